using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>POST /workers/register, /workers/{id}/heartbeat, DELETE /workers/{id} (SERVER-SPEC §6.2).</summary>
public class WorkersTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Register_upserts_the_worker_and_replaces_capabilities()
    {
        var worker = Scenario.NewWorker();
        await Scenario.RegisterAsync(f, worker, """[{"processor":"a","profile":"p1","max_concurrent_jobs":2},{"processor":"b","profile":"p2"}]""");
        Assert.Equal(2, f.Server.GetCapabilities(worker.WorkerId).Count);
        var registeredAt = f.Server.GetWorker(worker.WorkerId)!.RegisteredAt;

        using var again = await f.SendAsync(f.AsWorker(HttpMethod.Post, "/api/hpc/workers/register",
            $$"""{"worker_id":"{{worker.WorkerId}}","capabilities":[{"processor":"c","profile":"p3"}]}""", credential: worker));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, again);
        var body = await again.ReadJsonAsync();
        Assert.Equal(["worker_id", "hostname", "registered_at", "last_heartbeat_at", "_links"], Scenario.Keys(body));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("hostname").ValueKind); // overwritten with null
        Assert.Equal(registeredAt, body.GetProperty("registered_at").GetString());
        var links = body.GetProperty("_links");
        Assert.Equal($"/api/hpc/workers/{worker.WorkerId}/heartbeat", links.GetProperty("heartbeat").GetProperty("href").GetString());
        Assert.Equal("/api/hpc/jobs?status=PENDING", links.GetProperty("jobs").GetProperty("href").GetString());
        Assert.Equal([new CapabilityDto { Processor = "c", Profile = "p3" }], f.Server.GetCapabilities(worker.WorkerId));
    }

    [Theory]
    [InlineData("""{"hostname":"h"}""", "worker_id is required")]
    [InlineData("""{"worker_id":"someone-else"}""", "worker_id in request body must match X-Worker-Id header")]
    [InlineData("""{"worker_id":"WID","capabilities":[{"profile":"p"}]}""", "capabilities[0].processor is required")]
    [InlineData("""{"worker_id":"WID","capabilities":[{"processor":"p"}]}""", "capabilities[0].profile is required")]
    [InlineData("""{"worker_id":"WID","capabilities":"all"}""", "capabilities must be an array")]
    [InlineData("", "Invalid request body")]
    [InlineData("{not json", "Invalid request body")]
    public async Task Register_rejects_bad_bodies(string json, string detail)
    {
        var worker = Scenario.NewWorker();
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Post, "/api/hpc/workers/register", json.Replace("WID", worker.WorkerId), credential: worker));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, detail);
    }

    [Fact]
    public async Task Heartbeat_updates_known_workers_only()
    {
        var worker = Scenario.NewWorker();
        using (var unknown = await f.SendAsync(f.AsWorker(HttpMethod.Post, $"/api/hpc/workers/{worker.WorkerId}/heartbeat", credential: worker)))
            await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, unknown, $"Worker {worker.WorkerId} not found");
        await Scenario.RegisterAsync(f, worker, "[]");
        using var ok = await f.SendAsync(f.AsWorker(HttpMethod.Post, $"/api/hpc/workers/{worker.WorkerId}/heartbeat", credential: worker));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);
        var body = await ok.ReadAsAsync<HeartbeatDto>();
        Assert.Equal(new HeartbeatDto { WorkerId = worker.WorkerId, Status = "ok" }, body);
    }

    [Fact]
    public async Task Heartbeat_path_must_match_the_worker_header()
    {
        var worker = Scenario.NewWorker();
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Post, "/api/hpc/workers/someone-else/heartbeat", credential: worker));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, "X-Worker-Id header must match worker id in path");
    }

    [Fact]
    public async Task Delete_removes_worker_and_credentials_and_detaches_jobs()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Claimed);
        f.Server.SetWorkerSecret(worker.WorkerId, "a-per-worker-secret-for-the-delete-test");
        using (var hmac = await f.SendAsync(f.AsWorker(HttpMethod.Delete, $"/api/hpc/workers/{worker.WorkerId}", credential: worker)))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, hmac);
        using (var editor = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Delete, $"/api/hpc/workers/{worker.WorkerId}")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, editor, "Requires Manager privilege");

        using var deleted = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Delete, $"/api/hpc/workers/{worker.WorkerId}"));
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, deleted);
        Assert.Null(f.Server.GetWorker(worker.WorkerId));
        Assert.Empty(f.Server.ListCredentials(worker.WorkerId));
        var job = f.Server.GetJob(jobId)!;
        Assert.Null(job.WorkerId);
        Assert.Equal(JobStatus.Claimed, job.Status);
        Assert.Equal(2, f.Server.GetTransitions(jobId).Count);

        using var again = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Delete, $"/api/hpc/workers/{worker.WorkerId}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, again);
    }
}
