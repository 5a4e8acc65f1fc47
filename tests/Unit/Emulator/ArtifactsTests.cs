using System.Net;
using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Artifact create, get, delete, commit (SERVER-SPEC §6.5, §8).</summary>
public class ArtifactsTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private Task<HttpResponseMessage> PostAsync(string path, string json, string token = EmulatorFixture.EditorToken) =>
        f.SendAsync(f.AsUser(token, HttpMethod.Post, path, json));

    [Fact]
    public async Task Managed_artifact_starts_created_with_upload_links()
    {
        using var response = await PostAsync("/api/hpc/artifacts", """{"name":"out","type":"dataset","metadata":{"k":1},"extra":"ignored"}""");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["id", "name", "type", "status", "_links"], Scenario.Keys(body));
        var created = await response.ReadAsAsync<CreatedArtifactDto>();
        Assert.Equal(ArtifactStatus.Created, created.Status);
        Assert.Equal(["self", "upload", "files"], created.Links!.Keys);
        Assert.Equal(new LinkDto($"/api/hpc/artifacts/{created.Id}/files/{{path}}", "PUT"), created.Links["upload"]);

        using var get = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{created.Id}"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, get);
        var artifact = await get.ReadJsonAsync();
        Assert.Equal(["id", "name", "type", "residence", "status", "sha256", "size_bytes", "content_url", "created_at", "committed_at", "metadata", "_links"],
            Scenario.Keys(artifact));
        Assert.Equal("managed", artifact.GetProperty("residence").GetString());
        Assert.Equal(JsonValueKind.Null, artifact.GetProperty("size_bytes").ValueKind);
    }

    [Fact]
    public async Task Posix_artifact_needs_a_safe_file_url_and_is_registered()
    {
        using (var missing = await PostAsync("/api/hpc/artifacts", """{"residence":"posix"}"""))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, missing, "content_url is required");
        using (var traversal = await PostAsync("/api/hpc/artifacts", """{"residence":"posix","content_url":"file:///data/../etc"}"""))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, traversal, "'..'");
        using (var bad = await PostAsync("/api/hpc/artifacts", """{"residence":"tape"}"""))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, bad, "residence must be one of managed, posix, s3, http, reference");
        // Only posix URLs are checked.
        using (var s3 = await PostAsync("/api/hpc/artifacts", """{"residence":"s3","content_url":"whatever"}"""))
            await HttpAssert.StatusAsync(HttpStatusCode.Created, s3);
        using var ok = await PostAsync("/api/hpc/artifacts", """{"residence":"posix","content_url":"file:///scratch/run1"}""");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, ok);
        var created = await ok.ReadAsAsync<CreatedArtifactDto>();
        Assert.Equal(ArtifactStatus.Registered, created.Status);
        Assert.Equal(["self", "commit", "files"], created.Links!.Keys);
    }

    [Fact]
    public async Task Viewer_cannot_create_and_editor_cannot_delete()
    {
        using (var viewer = await PostAsync("/api/hpc/artifacts", "{}", EmulatorFixture.ViewerToken))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, viewer);
        var id = await Scenario.CreateArtifactAsync(f);
        using var editor = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Delete, $"/api/hpc/artifacts/{id}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, editor, "Requires Manager privilege");
    }

    [Fact]
    public async Task Get_unknown_artifact_is_404()
    {
        var id = Guid.NewGuid();
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{id}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, response, $"Artifact {id} not found");
    }

    [Fact]
    public async Task Commit_verifies_the_tree_hash_and_a_mismatch_keeps_the_artifact_open()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        foreach (var (path, text) in new[] { ("b.txt", "bee"), ("a.txt", "ay") })
        {
            using var upload = await Scenario.UploadAsync(f, id, path, Encoding.UTF8.GetBytes(text));
            await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        }
        Assert.Equal(ArtifactStatus.Uploading, f.Server.GetArtifact(id)!.Status);
        var expected = BodyHash.OfUtf8($"a.txt:{BodyHash.OfUtf8("ay")}b.txt:{BodyHash.OfUtf8("bee")}");

        var wrong = BodyHash.OfUtf8("something else");
        using (var mismatch = await PostAsync($"/api/hpc/artifacts/{id}/commit", $$"""{"sha256":"{{wrong}}"}"""))
        {
            var problem = await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, mismatch);
            Assert.Equal("Hash Mismatch", problem.Title);
            Assert.Equal($"client={wrong} computed={expected}", problem.Detail);
        }
        Assert.Equal(ArtifactStatus.Uploading, f.Server.GetArtifact(id)!.Status);

        // Fix the files (replace b.txt) and commit with the new hash.
        using (var fix = await Scenario.UploadAsync(f, id, "b.txt", Encoding.UTF8.GetBytes("bee2"))) await HttpAssert.StatusAsync(HttpStatusCode.Created, fix);
        var fixedHash = BodyHash.OfUtf8($"a.txt:{BodyHash.OfUtf8("ay")}b.txt:{BodyHash.OfUtf8("bee2")}");
        using var ok = await PostAsync($"/api/hpc/artifacts/{id}/commit", $$"""{"sha256":"{{fixedHash}}"}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);
        var body = await ok.ReadJsonAsync();
        Assert.Equal(ArtifactStatus.Committed, body.GetProperty("status").GetString());
        Assert.Equal("6", body.GetProperty("size_bytes").GetString()); // a JSON string: 2 + 4 bytes
        Assert.Equal(fixedHash, body.GetProperty("sha256").GetString());
        Assert.Equal(["self", "download", "files"], Scenario.Keys(body.GetProperty("_links")));
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("committed_at").ValueKind);

        using var twice = await PostAsync($"/api/hpc/artifacts/{id}/commit", "{}");
        var conflict = await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, twice, $"Artifact {id} cannot be committed from status COMMITTED");
        Assert.Equal("Conflict", conflict.Title);
    }

    [Fact]
    public async Task Commit_without_client_hash_uses_the_computed_one()
    {
        var id = await Scenario.CreateArtifactAsync(f);
        using (var upload = await Scenario.UploadAsync(f, id, "only.bin", [1, 2, 3])) await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        using var ok = await PostAsync($"/api/hpc/artifacts/{id}/commit", """{"size_bytes":999}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);
        var artifact = await ok.ReadAsAsync<ArtifactDto>();
        Assert.Equal(BodyHash.Of([1, 2, 3]), artifact.Sha256); // one file: its own hash
        Assert.Equal(999, artifact.SizeBytes); // the client's size is never verified
    }

    [Fact]
    public async Task Commit_errors()
    {
        var created = await Scenario.CreateArtifactAsync(f);
        using (var fromCreated = await PostAsync($"/api/hpc/artifacts/{created}/commit", "{}"))
            await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, fromCreated, "cannot be committed from status CREATED");
        using (var empty = await PostAsync($"/api/hpc/artifacts/{created}/commit", ""))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, empty, "Invalid request body");
        using var missing = await PostAsync($"/api/hpc/artifacts/{Guid.NewGuid()}/commit", "{}");
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Registered_artifact_without_files_commits_with_the_client_hash()
    {
        var id = await Scenario.CreateArtifactAsync(f, """{"residence":"posix","content_url":"file:///scratch/x"}""");
        using var ok = await PostAsync($"/api/hpc/artifacts/{id}/commit", """{"sha256":"anything-goes"}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);
        Assert.Equal("anything-goes", (await ok.ReadAsAsync<ArtifactDto>()).Sha256);
    }

    [Fact]
    public async Task Delete_removes_files_and_detaches_jobs()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        var log = await Scenario.CreateArtifactAsync(f);
        using (var upload = await Scenario.UploadAsync(f, log, "slurm.log", [9])) await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        using (var done = await Scenario.TransitionAsync(f, jobId, worker, $$"""{"status":"COMPLETED","log_artifact_id":"{{log}}"}""")) await HttpAssert.StatusAsync(HttpStatusCode.OK, done);

        using var deleted = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Delete, $"/api/hpc/artifacts/{log}"));
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, deleted);
        Assert.Null(f.Server.GetArtifact(log));
        Assert.Empty(f.Server.ListFiles(log));
        Assert.Null(f.Server.GetJob(jobId)!.LogArtifactId);
        using var again = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Delete, $"/api/hpc/artifacts/{log}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, again);
    }
}
