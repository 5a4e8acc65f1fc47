using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Streams exactly <c>size</c> bytes of a file in 64 KiB chunks, never holding the file in memory, and
/// reports every chunk (progress, and the transfer idle timer). With a descriptor (<paramref name="handle"/>) the
/// bytes are read positionally from it, so every attempt sends the inode that was checked and hashed and the path is
/// never opened again; without one the file is opened per attempt. Either way a retry re-reads from the start.</summary>
internal sealed class FileUploadContent(string filePath, long size, Action<long> onBytesSent, SafeFileHandle? handle = null) : HttpContent
{
    private const int ChunkSize = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (handle is not null)
        {
            await SendFromDescriptorAsync(handle, stream, cancellationToken).ConfigureAwait(false);
            return;
        }
        SafeFileHandle opened;
        try
        {
            opened = File.OpenHandle(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LocalFileException(ex);
        }
        using (opened)
            await SendFromDescriptorAsync(opened, stream, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendFromDescriptorAsync(SafeFileHandle content, Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        long sent = 0;
        while (sent < size)
        {
            int read;
            try
            {
                read = await RandomAccess.ReadAsync(content, buffer.AsMemory(0, (int)Math.Min(ChunkSize, size - sent)), sent, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new LocalFileException(ex);
            }
            if (read == 0)
                throw new LocalFileException(new IOException($"{filePath} ended after {sent} of {size} bytes; it changed after it was hashed"));
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            onBytesSent(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }
}

/// <summary>Marks a failure reading the local file, so the HTTP pipeline (which wraps content exceptions in
/// HttpRequestException) reports it as the local problem it is instead of retrying it as a network error.</summary>
internal sealed class LocalFileException(Exception inner) : IOException(inner.Message, inner);
