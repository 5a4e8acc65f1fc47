using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

public sealed class FileTransferTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2-client-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Path, byte[] Bytes, string Sha) TempFile(string name, int size, int seed = 7)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return (path, bytes, Hex(SHA256.HashData(bytes)));
    }

    private static string Ack(string path, string? sha, long size) =>
        $$"""{"id":"f-1","artifact_id":"{{ArtifactId}}","path":"{{path}}","sha256":{{(sha is null ? "null" : $"\"{sha}\"")}},"size_bytes":{{size}}}""";

    [Fact]
    public async Task Upload_streams_the_file_with_length_hash_and_content_type()
    {
        const int size = 5 * 1024 * 1024;
        var (path, bytes, sha) = TempFile("big.png", size);
        var (client, handler, _) = Create();
        handler.ThenJson(201, Ack("results/big.png", sha, size));
        var reports = new List<long>();
        var progress = new SyncProgress(reports.Add);

        var ack = await client.UploadFileAsync(ArtifactId, "results/big.png", path, sha, size, "image/png", progress);

        Assert.Equal(sha, ack.Sha256);
        var r = Assert.Single(handler.Requests);
        Assert.Equal("PUT", r.Method);
        Assert.Equal($"/api/hpc/artifacts/{ArtifactId}/files/results/big.png", r.PathAndQuery);
        Assert.Equal(size.ToString(), r.Header("Content-Length"));
        Assert.Equal(sha, r.Header("Content-SHA256"));
        Assert.Equal("image/png", r.Header("Content-Type"));
        Assert.Equal(bytes, r.Body);
        AssertSignedByServerRules(r);
        Assert.Equal(size, reports[^1]);
        Assert.Equal(80, reports.Count); // 64 KiB chunks, never the whole file at once
    }

    [Fact]
    public async Task Upload_without_content_type_sends_octet_stream()
    {
        var (path, _, sha) = TempFile("a.bin", 1000);
        var (client, handler, _) = Create();
        handler.ThenJson(201, Ack("a.bin", sha, 1000));

        await client.UploadFileAsync(ArtifactId, "a.bin", path, sha, 1000);

        Assert.Equal("application/octet-stream", Assert.Single(handler.Requests).Header("Content-Type"));
    }

    [Fact]
    public async Task Upload_ack_for_other_bytes_is_a_protocol_error()
    {
        var (path, _, sha) = TempFile("a.txt", 1000);
        var (client, handler, _) = Create();
        handler.ThenJson(201, Ack("a.txt", null, 0));

        var ex = await Assert.ThrowsAsync<Emx2ProtocolException>(() => client.UploadFileAsync(ArtifactId, "a.txt", path, sha, 1000, "text/plain"));

        Assert.Contains($"server stored sha256=null size=0, expected sha256={sha} size=1000", ex.Message);
        Assert.Contains("upload acknowledgement does not match the file sent", ex.Message);
    }

    [Fact]
    public async Task Upload_is_retried_from_the_start_on_server_errors()
    {
        var (path, bytes, sha) = TempFile("a.bin", 200_000);
        var (client, handler, _) = Create();
        handler.ThenProblem(503, "Service Unavailable", "busy").ThenJson(201, Ack("a.bin", sha, 200_000));

        await client.UploadFileAsync(ArtifactId, "a.bin", path, sha, 200_000);

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(bytes, r.Body));
        Assert.NotEqual(handler.Requests[0].Header("X-Nonce"), handler.Requests[1].Header("X-Nonce"));
    }

    [Fact]
    public async Task Json_files_travel_as_multipart_so_the_server_stores_their_bytes()
    {
        var path = Path.Combine(_dir, "result.json");
        var bytes = Encoding.UTF8.GetBytes("""{"score": 0.93}""");
        await File.WriteAllBytesAsync(path, bytes);
        var sha = Hex(SHA256.HashData(bytes));
        var (client, handler, _) = Create();
        handler.ThenJson(201, Ack("result.json", sha, bytes.Length));

        await client.UploadFileAsync(ArtifactId, "result.json", path, sha, bytes.Length, "application/json");

        var r = Assert.Single(handler.Requests);
        Assert.StartsWith("multipart/form-data; boundary=", r.Header("Content-Type"));
        Assert.Equal(sha, r.Header("Content-SHA256"));
        Assert.Equal(r.Body.Length.ToString(), r.Header("Content-Length"));
        var text = r.BodyText;
        Assert.Contains("name=file; filename=result.json", text);
        Assert.Contains("""{"score": 0.93}""", text);
        Assert.Matches("name=content_type\r\n(.+\r\n)*\r\napplication/json\r\n", text);
        AssertSignedByServerRules(r);
    }

    [Fact]
    public async Task Metadata_put_is_json_without_content_sha256()
    {
        var (client, handler, _) = Create();
        handler.ThenJson(201, Ack("data/x.csv", new string('c', 64), 42));

        await client.PutFileMetadataAsync(ArtifactId, "data/x.csv", new FileMetadataRequest { Sha256 = new string('c', 64), SizeBytes = 42, ContentType = "text/csv" });

        var r = Assert.Single(handler.Requests);
        Assert.Equal("application/json", r.Header("Content-Type"));
        Assert.Null(r.Header("Content-SHA256"));
        Assert.Equal($$"""{"sha256":"{{new string('c', 64)}}","size_bytes":42,"content_type":"text/csv"}""", r.BodyText);
        AssertSignedByServerRules(r);
    }

    private static HttpResponseMessage FileResponse(byte[] bytes, string? sha, string type = "text/plain")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        if (sha is not null) response.Headers.TryAddWithoutValidation("X-Content-SHA256", sha);
        return response;
    }

    [Fact]
    public async Task Download_streams_bytes_and_reports_hashes()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("line of data\n", 20_000)));
        var sha = Hex(SHA256.HashData(bytes));
        var (client, handler, _) = Create();
        handler.Then(_ => FileResponse(bytes, sha));
        using var destination = new MemoryStream();

        var result = await client.DownloadFileAsync(ArtifactId, "in/data.txt", destination);

        Assert.Equal(bytes, destination.ToArray());
        Assert.Equal(new DownloadResult(sha, sha, bytes.Length, "text/plain"), result);
        Assert.Equal($"/api/hpc/artifacts/{ArtifactId}/files/in/data.txt", Assert.Single(handler.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Download_with_wrong_hash_is_refused()
    {
        var (client, handler, _) = Create();
        handler.Then(_ => FileResponse(Encoding.UTF8.GetBytes("tampered"), new string('0', 64)));

        var ex = await Assert.ThrowsAsync<Emx2ProtocolException>(() => client.DownloadFileAsync(ArtifactId, "a.txt", new MemoryStream()));

        Assert.Contains($"X-Content-SHA256 said {new string('0', 64)}", ex.Message);
    }

    [Fact]
    public async Task Download_redirect_is_reported_not_followed()
    {
        var (client, handler, _) = Create();
        handler.Then(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("file:///data/shared/ref/genome.fa");
            return response;
        });

        var ex = await Assert.ThrowsAsync<Emx2RedirectException>(() => client.DownloadFileAsync(ArtifactId, "genome.fa", new MemoryStream()));

        Assert.Equal("file:///data/shared/ref/genome.fa", ex.Location);
        Assert.Equal(302, ex.Status);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Download_interrupted_midway_restarts_into_a_seekable_destination_without_duplicating()
    {
        var bytes = new byte[300_000];
        new Random(3).NextBytes(bytes);
        var sha = Hex(SHA256.HashData(bytes));
        var (client, handler, _) = Create();
        handler.Then(_ =>
               {
                   var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new FailingStream(bytes, failAfter: 100_000)) };
                   response.Headers.TryAddWithoutValidation("X-Content-SHA256", sha);
                   return response;
               })
               .Then(_ => FileResponse(bytes, sha));
        using var destination = new MemoryStream();
        destination.Write("HEADER"u8);

        var result = await client.DownloadFileAsync(ArtifactId, "a.bin", destination);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal([.. "HEADER"u8.ToArray(), .. bytes], destination.ToArray());
        Assert.Equal(sha, result.ComputedSha256);
    }

    [Fact]
    public async Task Head_returns_metadata_or_null_when_missing()
    {
        var (client, handler, _) = Create();
        handler.Then(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            response.Headers.TryAddWithoutValidation("X-Content-SHA256", new string('d', 64));
            response.Content.Headers.ContentLength = 1234;
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            return response;
        }).Then(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        Assert.Equal(new FileHeadResult(new string('d', 64), 1234, "text/csv"), await client.HeadFileAsync(ArtifactId, "x.csv"));
        Assert.Null(await client.HeadFileAsync(ArtifactId, "missing.csv"));
        Assert.Equal(2, handler.Requests.Count);
    }

    /// <summary>Synchronous IProgress, so reports are complete when the call returns.</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>Yields the first bytes of a buffer, then fails like a dropped connection.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : Stream
    {
        private int _position;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter) throw new IOException("Connection reset by peer");
            var n = Math.Min(count, failAfter - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
