using System.Security.Cryptography;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Staging;

/// <summary>Write-only pass-through that hashes what flows into the inner stream, so a download is verified
/// without reading the file a second time. Does not own the inner stream. With <paramref name="maxBytes"/>, a write
/// that would go beyond it throws <paramref name="tooLarge"/>'s exception instead, before anything is written, so a
/// server that streams more than it declared cannot fill the disk.</summary>
internal sealed class HashingWriteStream(Stream inner, long? maxBytes = null, Func<long, Exception>? tooLarge = null) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    /// <summary>Lower-case hex SHA-256 of everything written so far.</summary>
    public string CurrentHash() => Hex.Lower(_hash.GetCurrentHash());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        CheckLimit(buffer.Length);
        inner.Write(buffer);
        Track(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckLimit(buffer.Length);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Track(buffer.Span);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    private void CheckLimit(int count)
    {
        if (maxBytes is { } max && BytesWritten + count > max)
            throw tooLarge?.Invoke(max) ?? new IOException($"more than the expected {max} bytes were written");
    }

    private void Track(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        BytesWritten += data.Length;
    }
}
