using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Operations;

/// <summary>Send-HpcArtifact: a file or a directory tree becomes one committed artifact. Files are collected with
/// the same rules as job outputs (no symlinks followed, server path rules enforced), so what a user can send by
/// hand is exactly what the daemon would publish.</summary>
internal static class ArtifactSender
{
    public static async Task<ArtifactDto> SendAsync(Emx2Client client, SendArtifactRequest request, IReadOnlyList<string> allowedPosixRoots,
        IProgress<TransferProgress>? progress, CancellationToken ct)
    {
        var residence = request.Residence.ToLowerInvariant();
        if (residence is not (ArtifactResidence.Managed or ArtifactResidence.Posix))
            throw new ArgumentException($"residence must be 'managed' or 'posix', not '{request.Residence}'");
        var full = Path.GetFullPath(request.Path);
        // A posix artifact is a pointer other jobs will follow; workers only stage posix inputs from the allowed
        // roots, so registering one from elsewhere would create an artifact no job could use.
        if (residence == ArtifactResidence.Posix && !allowedPosixRoots.Any(r => PathSafety.IsSameOrInside(r, RealPath.Resolve(full))))
            throw new ArgumentException($"{full} is not under staging.allowed_posix_roots ({(allowedPosixRoots.Count == 0 ? "none configured" : string.Join(", ", allowedPosixRoots))})");
        using var collected = await CollectAsync(full, ct);
        var files = collected.Outputs;
        var root = File.Exists(full) ? Path.GetDirectoryName(full)! : full;
        if (files.Count == 0) throw new ArgumentException($"{full} contains no files that can be sent");

        var created = await client.CreateArtifactAsync(new CreateArtifactRequest
        {
            Name = request.Name ?? Path.GetFileName(full.TrimEnd('/')),
            Type = request.Type ?? "blob",
            Residence = residence,
            ContentUrl = residence == ArtifactResidence.Posix ? new Uri(root).AbsoluteUri : null,
        }, ct);

        var total = files.Sum(f => f.Size);
        long done = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var before = done;
            var perFile = progress is null ? null : new SyncProgress<long>(bytes => progress.Report(new TransferProgress
            {
                Activity = $"Sending {files.Count} files to artifact {created.Id}", CurrentFile = file.RelativePath,
                BytesDone = before + bytes, BytesTotal = total, FilesDone = i, FilesTotal = files.Count,
            }));
            await ArtifactTransfer.PutAsync(client, created.Id, residence, file, perFile, ct);
            done += file.Size;
            perFile?.Report(file.Size);
        }
        return await ArtifactTransfer.CommitAsync(client, created.Id, residence, files, ct);
    }

    /// <summary>The same descriptor-based walk as job outputs (links and special files refused, never followed); the
    /// upload streams from the descriptors it returns. A single file is opened the same way, from its directory.</summary>
    private static async Task<CollectedOutputs> CollectAsync(string full, CancellationToken ct)
    {
        var unlimited = new OutputLimits { MaxBytes = long.MaxValue, MaxFiles = int.MaxValue };
        if (File.Exists(full))
        {
            using var parent = DirectoryHandle.Open(Path.GetDirectoryName(full)!, followLinks: true);
            var name = Path.GetFileName(full);
            var handle = parent.OpenFileForReading(name);
            try
            {
                var status = DirectoryHandle.Status(handle, full);
                if (status.Kind != FileKind.Regular) throw new ArgumentException($"{full} is a {status.TypeName}, not a regular file");
                var (sha, size) = await ContentHash.OfAsync(handle, ct);
                return new CollectedOutputs([new OutputFile(name, full, size, sha, ContentTypes.Guess(name)) { Content = handle }], [], []);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        if (!Directory.Exists(full)) throw new FileNotFoundException($"no such file or directory: {full}", full);
        using var root = DirectoryHandle.Open(full, followLinks: true);
        var collected = await OutputCollector.CollectTreeAsync(root, unlimited, ct);
        if (collected.Skipped.Count > 0)
        {
            collected.Dispose();
            throw new ArgumentException($"{full} has entries that cannot be sent: {string.Join("; ", collected.Skipped.Take(5))}");
        }
        return collected;
    }

    /// <summary>Reports on the calling thread, unlike Progress&lt;T&gt; which posts to a synchronization context.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
