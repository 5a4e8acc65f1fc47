using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Operations;

/// <summary>Receive-HpcArtifact's view of the artifact store: the same calls, plus progress as bytes arrive
/// (files and bytes done against the totals from the file list), so a long download shows a moving progress bar
/// instead of one "receiving" line. The stager itself stays unaware of progress.</summary>
internal sealed class ProgressArtifactStore(IArtifactStore inner, string activity, IProgress<TransferProgress> progress) : IArtifactStore
{
    private long _bytesTotal;
    private int _filesTotal;
    private long _bytesDone;
    private int _filesDone;

    public Task<ArtifactDto> GetArtifactAsync(string artifactId, CancellationToken ct) => inner.GetArtifactAsync(artifactId, ct);

    public async Task<IReadOnlyList<ArtifactFileDto>> ListAllFilesAsync(string artifactId, CancellationToken ct)
    {
        var files = await inner.ListAllFilesAsync(artifactId, ct);
        _filesTotal = files.Count;
        _bytesTotal = files.Sum(f => f.SizeBytes ?? 0);
        Report(null);
        return files;
    }

    public async Task<DownloadedFile> DownloadFileAsync(string artifactId, string path, Stream destination, CancellationToken ct)
    {
        // Files may download concurrently: each adds what it wrote since its last report.
        long counted = 0;
        var counting = new CountingStream(destination, written =>
        {
            Interlocked.Add(ref _bytesDone, written - counted);
            counted = written;
            Report(path);
        });
        var result = await inner.DownloadFileAsync(artifactId, path, counting, ct);
        Interlocked.Add(ref _bytesDone, result.Length - counted);
        Interlocked.Increment(ref _filesDone);
        Report(path);
        return result;
    }

    private void Report(string? currentFile) => progress.Report(new TransferProgress
    {
        Activity = activity,
        CurrentFile = currentFile,
        BytesDone = Interlocked.Read(ref _bytesDone),
        BytesTotal = _bytesTotal,
        FilesDone = Volatile.Read(ref _filesDone),
        FilesTotal = _filesTotal,
    });

    /// <summary>Write-through wrapper that tells how many bytes went into the destination so far.</summary>
    private sealed class CountingStream(Stream inner, Action<long> written) : Stream
    {
        private long _count;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => _count; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Advance(count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Advance(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Advance(int count)
        {
            _count += count;
            written(_count);
        }
    }
}
