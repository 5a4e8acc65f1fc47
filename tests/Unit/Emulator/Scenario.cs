using System.Net;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Common steps of emulator tests, each asserting its own success so a broken step fails where it happens.</summary>
internal static class Scenario
{
    /// <summary>A fresh worker identity on the shared secret (SS era: any worker id works with it).</summary>
    public static HmacCredential NewWorker() => new($"w-{Guid.NewGuid():N}", EmulatorFixture.SharedSecret);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task RegisterAsync(EmulatorFixture f, HmacCredential worker, string capabilitiesJson)
    {
        var body = $$"""{"worker_id":"{{worker.WorkerId}}","hostname":"node1","capabilities":{{capabilitiesJson}}}""";
        using var response = await f.SendAsync(f.AsWorker(HttpMethod.Post, "/api/hpc/workers/register", body, credential: worker));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    /// <summary>A worker able to run <paramref name="processor"/> (any profile the job has, via a null-profile job or this one).</summary>
    public static async Task<HmacCredential> RegisteredWorkerAsync(EmulatorFixture f, string processor, string profile = "default", int? max = null)
    {
        var worker = NewWorker();
        var maxJson = max is null ? "" : $",\"max_concurrent_jobs\":{max}";
        await RegisterAsync(f, worker, $$"""[{"processor":"{{processor}}","profile":"{{profile}}"{{maxJson}}}]""");
        return worker;
    }

    public static async Task<string> CreateJobAsync(EmulatorFixture f, string processor, string? profile = null,
        string token = EmulatorFixture.EditorToken, string? extraJson = null)
    {
        var profileJson = profile is null ? "" : $",\"profile\":\"{profile}\"";
        var body = $$"""{"processor":"{{processor}}"{{profileJson}}{{(extraJson is null ? "" : "," + extraJson)}}}""";
        using var response = await f.SendAsync(f.AsUser(token, HttpMethod.Post, "/api/hpc/jobs", body));
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> ClaimAsync(EmulatorFixture f, string jobId, HmacCredential worker) =>
        f.SendAsync(f.AsWorker(HttpMethod.Post, $"/api/hpc/jobs/{jobId}/claim", $$"""{"worker_id":"{{worker.WorkerId}}"}""", credential: worker));

    public static Task<HttpResponseMessage> TransitionAsync(EmulatorFixture f, string jobId, HmacCredential worker, string json, string action = "transition") =>
        f.SendAsync(f.AsWorker(HttpMethod.Post, $"/api/hpc/jobs/{jobId}/{action}", json, credential: worker));

    /// <summary>A job of a fresh processor and worker, moved along the happy path PENDING → CLAIMED → SUBMITTED →
    /// STARTED → COMPLETED until it reaches <paramref name="status"/>.</summary>
    public static async Task<(string JobId, HmacCredential Worker)> JobInStatusAsync(EmulatorFixture f, string status)
    {
        var processor = Unique("proc");
        var worker = await RegisteredWorkerAsync(f, processor);
        var jobId = await CreateJobAsync(f, processor);
        foreach (var next in new[] { JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Completed })
        {
            if (status == JobStatus.Pending) break;
            using var move = next == JobStatus.Claimed
                ? await ClaimAsync(f, jobId, worker)
                : await TransitionAsync(f, jobId, worker, $$"""{"status":"{{next}}"}""");
            await HttpAssert.StatusAsync(HttpStatusCode.OK, move);
            if (next == status) break;
        }
        return (jobId, worker);
    }

    public static async Task<string> CreateArtifactAsync(EmulatorFixture f, string json = """{"name":"out","type":"dataset"}""",
        string token = EmulatorFixture.EditorToken)
    {
        using var response = await f.SendAsync(f.AsUser(token, HttpMethod.Post, "/api/hpc/artifacts", json));
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> UploadAsync(EmulatorFixture f, string artifactId, string rawPath, byte[] bytes, string? contentSha256 = null) =>
        f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Put, $"/api/hpc/artifacts/{artifactId}/files/{rawPath}", bytes: bytes,
            contentSha256: contentSha256));

    /// <summary>A managed artifact with the given files, committed with its correct tree hash.</summary>
    public static async Task<string> CommittedArtifactAsync(EmulatorFixture f, params (string Path, string Text)[] files)
    {
        var id = await CreateArtifactAsync(f);
        foreach (var (path, text) in files)
        {
            using var upload = await UploadAsync(f, id, path, System.Text.Encoding.UTF8.GetBytes(text));
            await HttpAssert.StatusAsync(HttpStatusCode.Created, upload);
        }
        var hash = TreeHash.Compute(files.Select(x => (x.Path, BodyHash.OfUtf8(x.Text))));
        using var commit = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, $"/api/hpc/artifacts/{id}/commit",
            hash is null ? "{}" : $$"""{"sha256":"{{hash}}"}"""));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, commit);
        return id;
    }

    public static async Task<JobDto> GetJobAsync(EmulatorFixture f, string jobId)
    {
        using var response = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{jobId}"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return await response.ReadAsAsync<JobDto>();
    }

    public static string[] Keys(JsonElement o) => o.EnumerateObject().Select(p => p.Name).ToArray();
}
