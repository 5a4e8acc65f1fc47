using System.Net.Http.Headers;
using System.Security.Cryptography;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

public sealed partial class Emx2Client
{
    private const string DefaultContentType = "application/octet-stream";

    /// <summary>PUT /artifacts/{id}/files/{path} with the file's bytes, streamed from disk with an explicit
    /// Content-Length and its SHA-256 in Content-SHA256 (also the signed body hash). Retried on 5xx and network
    /// errors: the PUT is an upsert on (artifact, path). The acknowledgement must repeat the hash and size, or the
    /// server stored something else and <see cref="Emx2ProtocolException"/> is thrown.</summary>
    /// <param name="sha256">Lower-case hex SHA-256 of the file, computed by the caller (it is recorded anyway).</param>
    /// <param name="size">The file length in bytes when it was hashed; a file that changed since is refused.</param>
    /// <param name="contentType">Passed through (the reference always sent octet-stream); null means
    /// application/octet-stream. JSON files travel as multipart so the server does not take them for metadata.</param>
    public Task<FileUploadResultDto> UploadFileAsync(string artifactId, string relativePath, string filePath, string sha256, long size,
        string? contentType = null, IProgress<long>? progress = null, CancellationToken ct = default) =>
        UploadAsync(artifactId, relativePath, filePath, null, sha256, size, contentType, progress, ct);

    /// <summary>As <see cref="UploadFileAsync"/>, streaming from an open, already checked descriptor (files a job
    /// wrote): the bytes sent are those of the inode that was hashed, whatever happens to its name meanwhile.</summary>
    /// <param name="shownPath">Where the file was found, for messages only.</param>
    public Task<FileUploadResultDto> UploadFileAsync(string artifactId, string relativePath, Microsoft.Win32.SafeHandles.SafeFileHandle content,
        string shownPath, string sha256, long size, string? contentType = null, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return UploadAsync(artifactId, relativePath, shownPath, content, sha256, size, contentType, progress, ct);
    }

    private async Task<FileUploadResultDto> UploadAsync(string artifactId, string relativePath, string filePath,
        Microsoft.Win32.SafeHandles.SafeFileHandle? content, string sha256, long size, string? contentType, IProgress<long>? progress, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!BodyHash.IsLowerHex64(sha256)) throw new ArgumentException("sha256 must be 64 lower-case hex characters", nameof(sha256));
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var type = string.IsNullOrWhiteSpace(contentType) ? DefaultContentType : contentType.Trim();
        if (!MediaTypeHeaderValue.TryParse(type, out _)) throw new ArgumentException($"'{contentType}' is not a valid media type", nameof(contentType));
        var length = content is not null ? RandomAccess.GetLength(content) : new FileInfo(filePath) is { Exists: true } info ? info.Length
            : throw new FileNotFoundException($"cannot upload {filePath}: no such file", filePath);
        if (length != size)
            throw new IOException($"cannot upload {filePath}: it is {length} bytes but was hashed at {size}; it changed after hashing");

        var api = new ApiRequest(HttpMethod.Put, FilePathOf(artifactId, relativePath))
        {
            Body = new FileBody(filePath, sha256, size, type, content),
            IsTransfer = true,
            UploadProgress = progress,
        };
        var ack = await SendJsonAsync<FileUploadResultDto>(api, ct).ConfigureAwait(false);
        if (!string.Equals(ack.Sha256, sha256, StringComparison.OrdinalIgnoreCase) || ack.SizeBytes != size)
            throw new Emx2ProtocolException(new Emx2ErrorInfo("PUT", api.PathAndQuery, 201, "Created",
                    $"server stored sha256={ack.Sha256 ?? "null"} size={ack.SizeBytes?.ToString() ?? "null"}, expected sha256={sha256} size={size}", null),
                "upload acknowledgement does not match the file sent");
        return ack;
    }

    /// <summary>Metadata-only PUT (JSON) for files that stay on the cluster (posix residence): records path, hash,
    /// size and type without sending bytes. Retried (upsert).</summary>
    public Task<FileUploadResultDto> PutFileMetadataAsync(string artifactId, string relativePath, FileMetadataRequest metadata, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return SendJsonAsync<FileUploadResultDto>(new ApiRequest(HttpMethod.Put, FilePathOf(artifactId, relativePath))
        {
            Body = JsonBody.From(metadata),
        }, ct, a => string.IsNullOrEmpty(a.Path) ? "file acknowledgement without path" : null);
    }

    /// <summary>GET /artifacts/{id}/files/{path}, streamed into <paramref name="destination"/> while hashing. A 302
    /// (no stored bytes, artifact has a content_url) throws <see cref="Emx2RedirectException"/> with the Location;
    /// it is not followed. Bytes that do not match X-Content-SHA256 or Content-Length throw
    /// <see cref="Emx2ProtocolException"/>. Retried on network errors when nothing was written yet or the
    /// destination can seek back (it is then truncated to where it started).</summary>
    public Task<DownloadResult> DownloadFileAsync(string artifactId, string relativePath, Stream destination,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite) throw new ArgumentException("destination must be writable", nameof(destination));
        var start = destination.CanSeek ? destination.Position : 0;
        var written = false;
        var api = new ApiRequest(HttpMethod.Get, FilePathOf(artifactId, relativePath))
        {
            IsTransfer = true,
            AcceptRedirect = true,
            CanRetry = () => !written || destination.CanSeek,
        };
        return SendAsync(api, async (response, attempt) =>
        {
            if ((int)response.StatusCode is >= 300 and < 400) throw Redirect(response, attempt);
            if (written)
            {
                destination.Position = start;
                destination.SetLength(start);
            }
            var claimed = response.Headers.TryGetValues(ProtocolHeaders.DownloadContentSha256, out var values) ? values.FirstOrDefault()?.Trim() : null;
            var expectedLength = response.Content.Headers.ContentLength;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, attempt.Token).ConfigureAwait(false)) > 0)
            {
                // A body longer than its own Content-Length is stopped at once rather than read to the end.
                if (expectedLength is { } declared && total + read > declared)
                    throw new Emx2ProtocolException(new Emx2ErrorInfo("GET", attempt.PathAndQuery, (int)response.StatusCode, "OK",
                        $"received more than the {declared} bytes Content-Length said", attempt.RequestId), "download corrupted in transit");
                hash.AppendData(buffer, 0, read);
                written = true;
                await destination.WriteAsync(buffer.AsMemory(0, read), attempt.Token).ConfigureAwait(false);
                total += read;
                attempt.Touch();
                progress?.Report(total);
            }
            var computed = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            string? mismatch = null;
            if (expectedLength is { } length && length != total) mismatch = $"received {total} bytes, Content-Length said {length}";
            else if (!string.IsNullOrEmpty(claimed) && !string.Equals(claimed, computed, StringComparison.OrdinalIgnoreCase))
                mismatch = $"received bytes hash to {computed}, X-Content-SHA256 said {claimed}";
            if (mismatch is not null)
                throw new Emx2ProtocolException(new Emx2ErrorInfo("GET", attempt.PathAndQuery, (int)response.StatusCode, "OK", mismatch, attempt.RequestId),
                    "download corrupted in transit");
            return new DownloadResult(claimed, computed, total, response.Content.Headers.ContentType?.ToString());
        }, ct);
    }

    /// <summary>HEAD /artifacts/{id}/files/{path}: stored hash, size and type, or null when the file does not exist.</summary>
    public async Task<FileHeadResult?> HeadFileAsync(string artifactId, string relativePath, CancellationToken ct = default)
    {
        try
        {
            return await SendAsync(new ApiRequest(HttpMethod.Head, FilePathOf(artifactId, relativePath)), (response, _) =>
            {
                var sha = response.Headers.TryGetValues(ProtocolHeaders.DownloadContentSha256, out var values) ? values.FirstOrDefault()?.Trim() : null;
                return Task.FromResult(new FileHeadResult(sha, response.Content.Headers.ContentLength, response.Content.Headers.ContentType?.ToString()));
            }, ct).ConfigureAwait(false);
        }
        catch (Emx2NotFoundException)
        {
            return null;
        }
    }

    /// <summary>DELETE /artifacts/{id}/files/{path}. A 404 on a retry after a lost response counts as done.</summary>
    public Task DeleteFileAsync(string artifactId, string relativePath, CancellationToken ct = default) =>
        DeleteIdempotentAsync(FilePathOf(artifactId, relativePath), ct);

    private static string FilePathOf(string artifactId, string relativePath) =>
        PathBuilder.Api("artifacts", artifactId, "files") + "/" + PathBuilder.FilePath(relativePath);

    private static Emx2RedirectException Redirect(HttpResponseMessage response, Attempt attempt)
    {
        var location = response.Headers.Location is { } l
            ? (l.IsAbsoluteUri ? l.OriginalString : new Uri(response.RequestMessage!.RequestUri!, l).ToString())
            : "";
        return new Emx2RedirectException(new Emx2ErrorInfo("GET", attempt.PathAndQuery, (int)response.StatusCode,
            response.ReasonPhrase ?? "Found", null, attempt.RequestId), location);
    }
}
