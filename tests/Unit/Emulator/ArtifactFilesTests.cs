using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Artifact files: upload modes, checks, download, HEAD, delete, list (SERVER-SPEC §6.5).</summary>
public class ArtifactFilesTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Upload_stores_bytes_and_download_returns_them_with_headers()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        var bytes = Encoding.UTF8.GetBytes("hello, world\n");
        using (var upload = await Scenario.UploadAsync(f, id, "results/out.txt", bytes))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
            var body = await upload.ReadJsonAsync();
            Assert.Equal(["id", "artifact_id", "path", "sha256", "size_bytes"], Scenario.Keys(body));
            Assert.Equal(bytes.Length, body.GetProperty("size_bytes").GetInt64()); // a number here
            Assert.Equal(BodyHash.Of(bytes), body.GetProperty("sha256").GetString());
        }
        using var download = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{id}/files/results/out.txt"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, download);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", download.Content.Headers.ContentType?.MediaType); // guessed from .txt first
        Assert.Equal(BodyHash.Of(bytes), download.Header(ProtocolHeaders.DownloadContentSha256));
        Assert.Equal("attachment; filename=\"out.txt\"; filename*=UTF-8''out.txt", download.Header("Content-Disposition"));
        Assert.Equal(bytes.Length, download.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Content_sha256_is_required_well_formed_and_correct()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        var request = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/x.bin", bytes: [1, 2]);
        request.Headers.Remove(ProtocolHeaders.ContentSha256);
        using (var missing = await f.SendAsync(request))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, missing, "Content-SHA256 header is required for binary uploads");
        using (var malformed = await Scenario.UploadAsync(f, id, "x.bin", [1, 2], contentSha256: "abc"))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, malformed, "Content-SHA256 must be a 64-character hex string");
        var wrong = BodyHash.Of([3]);
        using (var mismatch = await Scenario.UploadAsync(f, id, "x.bin", [1, 2], contentSha256: wrong))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, mismatch, $"(claimed={wrong}, actual={BodyHash.Of([1, 2])})");
        // Upper case and whitespace are tolerated: the handler trims and lower-cases.
        using var upper = await Scenario.UploadAsync(f, id, "x.bin", [1, 2], contentSha256: " " + BodyHash.Of([1, 2]).ToUpperInvariant());
        await HttpAssert.StatusAsync(HttpStatusCode.Created, upper);
        Assert.Equal(["x.bin"], f.Server.ListFiles(id).Select(x => x.Path));
    }

    [Theory]
    [InlineData("../x", "'..'")]
    [InlineData("a/../../b", "'..'")]
    [InlineData("%2E%2E/x", "'..'")]
    [InlineData("%2Fabs", "relative")]
    [InlineData("%5Cx", "relative")]
    [InlineData("a%5C..%5Cb", "'..'")]
    public async Task Path_traversal_is_rejected(string rawPath, string detail)
    {
        var id = await Scenario.CreateArtifactAsync(f);
        using var response = await Scenario.UploadAsync(f, id, rawPath, [1]);
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, detail);
        Assert.Empty(f.Server.ListFiles(id));
    }

    [Fact]
    public async Task Nul_in_the_path_is_rejected()
    {
        // Kestrel itself refuses a decoded NUL in the request target (plain 400 before any handler runs).
        var id = await Scenario.CreateArtifactAsync(f);
        using var response = await Scenario.UploadAsync(f, id, "a%00b", [1]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(f.Server.ListFiles(id));
    }

    [Fact]
    public async Task Upload_to_unknown_artifact_is_404_and_to_committed_is_409()
    {
        using (var unknown = await Scenario.UploadAsync(f, Guid.NewGuid().ToString(), "x", [1]))
            await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, unknown, "not found");
        var committed = await Scenario.CommittedArtifactAsync(f, ("a", "A"));
        using var late = await Scenario.UploadAsync(f, committed, "b", [1]);
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, late, "Cannot add files to artifact in status COMMITTED");
    }

    [Fact]
    public async Task Posix_file_is_registered_by_metadata_and_downloaded_by_redirect()
    {
        var id = await Scenario.CreateArtifactAsync(f, """{"residence":"posix","content_url":"file:///scratch/run7"}""");
        var sha = BodyHash.OfUtf8("on the cluster");
        using (var meta = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/out/data%20set.csv",
                   $$"""{"sha256":"{{sha}}","size_bytes":14,"content_type":"text/csv"}""")))
            await HttpAssert.StatusAsync(HttpStatusCode.Created, meta);
        Assert.Equal(ArtifactStatus.Registered, f.Server.GetArtifact(id)!.Status);
        Assert.Null(f.Server.GetFileContent(id, "out/data set.csv"));

        using var get = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{id}/files/out/data%20set.csv"));
        await HttpAssert.StatusAsync(HttpStatusCode.Found, get);
        Assert.Equal("file:///scratch/run7/out/data%20set.csv", get.Headers.Location?.OriginalString);

        using var head = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Head, $"/api/hpc/artifacts/{id}/files/out/data%20set.csv"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, head);
        Assert.Equal(sha, head.Header(ProtocolHeaders.DownloadContentSha256));
        Assert.Equal(14, head.Content.Headers.ContentLength);
        Assert.Equal("text/csv", head.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Malformed_metadata_json_is_400()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/x", "{oops"));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, "Invalid request body");
    }

    [Fact]
    public async Task Missing_file_is_404_and_head_404_has_no_body()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        using (var get = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{id}/files/nope.txt")))
            await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, get, $"File nope.txt not found in artifact {id}");
        using var head = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Head, $"/api/hpc/artifacts/{id}/files/nope.txt"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Multipart_upload_uses_the_file_part_and_the_content_type_field()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        var bytes = new byte[] { 0, 1, 2, 3, 255 };
        var request = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/blob", bytes: bytes);
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/x-raw");
        form.Add(part, "file", "blob");
        form.Add(new StringContent("application/x-special"), "content_type");
        request.Content = form;
        using var response = await f.SendAsync(request);
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        Assert.Equal(bytes, f.Server.GetFileContent(id, "blob"));
        Assert.Equal("application/x-special", f.Server.ListFiles(id).Single().ContentType);

        var noFile = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/blob2", bytes: bytes);
        noFile.Content = new MultipartFormDataContent { { new StringContent("x"), "content_type" } };
        using var missing = await f.SendAsync(noFile);
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, missing, "Multipart 'file' part is required");
    }

    [Fact]
    public async Task Malformed_multipart_is_400()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        var request = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/blob", bytes: [1]);
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nno headers and no end"));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        using var response = await f.SendAsync(request);
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response);
        Assert.Empty(f.Server.ListFiles(id));
    }

    [Fact]
    public async Task Delete_file_until_committed()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        using (var upload = await Scenario.UploadAsync(f, id, "tmp.bin", [1])) await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        using (var editor = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Delete, $"/api/hpc/artifacts/{id}/files/tmp.bin")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, editor);
        using (var deleted = await f.SendAsync(f.AsWorker(HttpMethod.Delete, $"/api/hpc/artifacts/{id}/files/tmp.bin")))
            await HttpAssert.StatusAsync(HttpStatusCode.NoContent, deleted);
        Assert.Equal(ArtifactStatus.Uploading, f.Server.GetArtifact(id)!.Status); // not rolled back
        using (var gone = await f.SendAsync(f.AsWorker(HttpMethod.Delete, $"/api/hpc/artifacts/{id}/files/tmp.bin")))
            await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, gone, $"File tmp.bin not found in artifact {id}");

        var committed = await Scenario.CommittedArtifactAsync(f, ("keep.txt", "k"));
        using var locked = await f.SendAsync(f.AsWorker(HttpMethod.Delete, $"/api/hpc/artifacts/{committed}/files/keep.txt"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, locked, "Cannot delete files from committed artifact");
    }

    [Fact]
    public async Task List_filters_by_like_prefix_and_pages()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        foreach (var path in new[] { "res/b.txt", "res/a.txt", "resX/c.txt", "Res/d.txt", "other/e.txt" })
        {
            using var upload = await Scenario.UploadAsync(f, id, path, Encoding.UTF8.GetBytes(path));
            await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        }

        async Task<(PagedList<ArtifactFileDto> Page, string? Total)> ListAsync(string query)
        {
            using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{id}/files{query}"));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
            return (await response.ReadAsAsync<PagedList<ArtifactFileDto>>(), response.Header(ProtocolHeaders.TotalCount));
        }

        var (all, total) = await ListAsync("");
        Assert.Equal("5", total);
        Assert.Equal(["Res/d.txt", "other/e.txt", "res/a.txt", "res/b.txt", "resX/c.txt"], all.Items.Select(i => i.Path)); // ordinal order
        Assert.Equal(new LinkDto($"/api/hpc/artifacts/{id}/files/res/a.txt", "GET"), all.Items[2].Links!["content"]);
        Assert.Equal(9, all.Items[2].SizeBytes);

        Assert.Equal(["res/a.txt", "res/b.txt"], (await ListAsync("?prefix=res/")).Page.Items.Select(i => i.Path)); // case-sensitive
        Assert.Equal(["res/a.txt", "res/b.txt", "resX/c.txt"], (await ListAsync("?prefix=res_")).Page.Items.Select(i => i.Path)); // '_' is a wildcard
        Assert.Equal(["res/b.txt"], (await ListAsync("?prefix=res%25b")).Page.Items.Select(i => i.Path)); // '%' too
        var (page, pageTotal) = await ListAsync("?prefix=res&limit=1&offset=1");
        Assert.Equal(("res/b.txt", "3", 1, 1), (page.Items.Single().Path, pageTotal, page.Limit, page.Offset));
        Assert.Equal(0, (await ListAsync("?limit=0")).Page.Limit);
    }

    [Fact]
    public async Task File_list_items_carry_size_bytes_as_a_string()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        using (var upload = await Scenario.UploadAsync(f, id, "x.bin", [1, 2, 3])) await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{id}/files"));
        var item = (await response.ReadJsonAsync()).GetProperty("items")[0];
        Assert.Equal(["id", "path", "sha256", "size_bytes", "content_type", "_links"], Scenario.Keys(item));
        Assert.Equal("3", item.GetProperty("size_bytes").GetString());
        Assert.Equal(["items", "count", "total_count", "limit", "offset"], Scenario.Keys(await response.ReadJsonAsync()));
    }
}

/// <summary>Upload size limit (MOLGENIS_HPC_MAX_UPLOAD_BYTES), on an emulator with a small limit.</summary>
public class UploadLimitTests
{
    [Fact]
    public async Task Declared_and_streamed_oversize_uploads_are_413()
    {
        await using var f = await EmulatorFixture.StartAsync(o => o.MaxUploadBytes = 1024);
        var id = await Scenario.CreateArtifactAsync(f);

        using (var atLimit = await Scenario.UploadAsync(f, id, "ok.bin", new byte[1024])) await HttpAssert.StatusAsync(HttpStatusCode.Created, atLimit);

        var big = new byte[4096];
        using (var declared = await Scenario.UploadAsync(f, id, "big.bin", big))
        {
            var problem = await HttpAssert.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, declared, "Content-Length 4096 exceeds maximum upload size of 1024 bytes");
            Assert.Equal("Payload Too Large", problem.Title);
        }

        // Chunked (no Content-Length): the limit is enforced while reading.
        var streamed = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/big2.bin", bytes: big);
        streamed.Content = new StreamContent(new UnknownLengthStream(big));
        streamed.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var chunked = await f.SendAsync(streamed))
            await HttpAssert.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, chunked, "Upload exceeds maximum size of 1024 bytes");
        Assert.Equal(["ok.bin"], f.Server.ListFiles(id).Select(x => x.Path));

        // Multipart: the file part is counted against the same limit.
        var multipart = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{id}/files/big3.bin", bytes: big);
        var form = new MultipartFormDataContent { { new StreamContent(new UnknownLengthStream(big)), "file", "big3.bin" } };
        multipart.Content = form;
        using (var tooBig = await f.SendAsync(multipart))
            await HttpAssert.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, tooBig, "Upload exceeds maximum size of 1024 bytes");
        Assert.Equal(["ok.bin"], f.Server.ListFiles(id).Select(x => x.Path));
    }

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
