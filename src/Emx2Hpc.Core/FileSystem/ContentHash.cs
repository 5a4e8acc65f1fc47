using System.Buffers;
using System.Security.Cryptography;
using Emx2Hpc.Core.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.FileSystem;

/// <summary>The one SHA-256 file hash of this worker: inputs, outputs, posix verification and Send-HpcArtifact
/// all hash here. Size and hash come from the same pass, so they always describe the same bytes even if the file
/// changes while being read. Reading is positional (pread) from an already open descriptor, so the bytes hashed
/// are the bytes of the inode that was checked, and cancellation (SIGTERM, a step's time budget) stops a long
/// hash between chunks.</summary>
public static class ContentHash
{
    private const int ChunkSize = 1 << 20;

    public static async Task<(string Sha256, long Size)> OfAsync(SafeFileHandle handle, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, ChunkSize), size, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
            }
            return (Hex.Lower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static (string Sha256, long Size) Of(SafeFileHandle handle, CancellationToken ct = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long size = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(0, ChunkSize), size)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                size += read;
            }
            return (Hex.Lower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> and hashes the bytes as they are written,
    /// so the hash describes the copy whatever happens to the source meanwhile. <paramref name="beforeWrite"/> is told
    /// the total the copy is about to reach (it may throw to stop a copy that outgrows a limit).</summary>
    public static async Task<(string Sha256, long Size)> CopyAsync(SafeFileHandle source, SafeFileHandle target, Action<long>? beforeWrite,
        CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(source, buffer.AsMemory(0, ChunkSize), size, ct).ConfigureAwait(false)) > 0)
            {
                beforeWrite?.Invoke(size + read);
                await RandomAccess.WriteAsync(target, buffer.AsMemory(0, read), size, ct).ConfigureAwait(false);
                hash.AppendData(buffer, 0, read);
                size += read;
            }
            return (Hex.Lower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes a file the worker itself wrote in a directory only it can write (downloaded inputs).</summary>
    public static async Task<(string Sha256, long Size)> OfTrustedFileAsync(string path, CancellationToken ct)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        return await OfAsync(handle, ct).ConfigureAwait(false);
    }

    public static (string Sha256, long Size) OfTrustedFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Of(handle);
    }

    /// <summary>Case-insensitive comparison of hex digests (clients may have committed upper-case hashes).</summary>
    public static bool Same(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
