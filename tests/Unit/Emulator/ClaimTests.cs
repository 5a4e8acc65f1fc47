using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>POST /jobs/{id}/claim (SERVER-SPEC §7.1): atomic, capability- and capacity-checked, rolled back on refusal.</summary>
public class ClaimTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Exactly_one_of_twenty_parallel_claimants_wins()
    {
        var processor = Scenario.Unique("race");
        var workers = new List<HmacCredential>();
        for (var i = 0; i < 20; i++) workers.Add(await Scenario.RegisteredWorkerAsync(f, processor));
        var jobId = await Scenario.CreateJobAsync(f, processor);

        var responses = await Task.WhenAll(workers.Select(w => Scenario.ClaimAsync(f, jobId, w)));
        try
        {
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
            var winner = workers[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.OK)];
            var job = f.Server.GetJob(jobId)!;
            Assert.Equal(JobStatus.Claimed, job.Status);
            Assert.Equal(winner.WorkerId, job.WorkerId);
            Assert.NotNull(job.ClaimedAt);
            var claimedRow = Assert.Single(f.Server.GetTransitions(jobId), t => t.ToStatus == JobStatus.Claimed);
            Assert.Equal(winner.WorkerId, claimedRow.WorkerId);
            var loser = await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, responses.First(r => r.StatusCode == HttpStatusCode.Conflict));
            Assert.Equal($"Job {jobId} is not in PENDING status (current: CLAIMED)", loser.Detail);
        }
        finally
        {
            foreach (var r in responses) r.Dispose();
        }
    }

    [Fact]
    public async Task Claim_answers_the_claimed_job()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Pending);
        using var response = await Scenario.ClaimAsync(f, jobId, worker);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var job = await response.ReadAsAsync<JobDto>();
        Assert.Equal((JobStatus.Claimed, worker.WorkerId), (job.Status, job.WorkerId));
        Assert.Equal(["self", "submit", "cancel", "transitions"], job.Links!.Keys);
        Assert.Equal(new LinkDto($"/api/hpc/jobs/{jobId}/transition", "POST"), job.Links["submit"]);
    }

    [Fact]
    public async Task Capability_mismatch_is_409_and_leaves_the_job_pending()
    {
        var processor = Scenario.Unique("cap");
        var worker = await Scenario.RegisteredWorkerAsync(f, processor, profile: "any");
        var jobId = await Scenario.CreateJobAsync(f, processor, profile: "gpu-large"); // "any" is not a wildcard
        using var response = await Scenario.ClaimAsync(f, jobId, worker);
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, response,
            $"Worker {worker.WorkerId} does not have a registered capability for processor={processor} profile=gpu-large");
        var job = f.Server.GetJob(jobId)!;
        Assert.Equal((JobStatus.Pending, null, null), (job.Status, job.WorkerId, job.ClaimedAt));
        Assert.Single(f.Server.GetTransitions(jobId));
    }

    [Fact]
    public async Task Job_without_profile_matches_any_capability_of_its_processor()
    {
        var processor = Scenario.Unique("noprofile");
        var worker = await Scenario.RegisteredWorkerAsync(f, processor, profile: "whatever");
        var jobId = await Scenario.CreateJobAsync(f, processor);
        using var response = await Scenario.ClaimAsync(f, jobId, worker);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task Unregistered_claimant_has_no_capability()
    {
        var jobId = await Scenario.CreateJobAsync(f, Scenario.Unique("p"));
        using var response = await Scenario.ClaimAsync(f, jobId, Scenario.NewWorker());
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, response, "does not have a registered capability");
    }

    [Fact]
    public async Task Capacity_counts_in_flight_jobs_and_rolls_back()
    {
        var processor = Scenario.Unique("cap2");
        var worker = await Scenario.RegisteredWorkerAsync(f, processor, max: 1);
        var first = await Scenario.CreateJobAsync(f, processor);
        var second = await Scenario.CreateJobAsync(f, processor);
        using (var ok = await Scenario.ClaimAsync(f, first, worker)) await HttpAssert.StatusAsync(HttpStatusCode.OK, ok);
        using (var full = await Scenario.ClaimAsync(f, second, worker))
            await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, full, $"Worker {worker.WorkerId} has reached its max_concurrent_jobs limit");
        Assert.Equal((JobStatus.Pending, null), (f.Server.GetJob(second)!.Status, f.Server.GetJob(second)!.WorkerId));
        Assert.Single(f.Server.GetTransitions(second));

        // Finishing the first job frees the slot.
        using (var failed = await Scenario.TransitionAsync(f, first, worker, """{"status":"FAILED"}""")) await HttpAssert.StatusAsync(HttpStatusCode.OK, failed);
        using var again = await Scenario.ClaimAsync(f, second, worker);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task Claim_errors()
    {
        var worker = Scenario.NewWorker();
        using (var missing = await Scenario.ClaimAsync(f, Guid.NewGuid().ToString(), worker))
            await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, missing, "not found");
        var jobId = await Scenario.CreateJobAsync(f, "p");
        using (var mismatch = await f.SendAsync(f.AsWorker(HttpMethod.Post, $"/api/hpc/jobs/{jobId}/claim", """{"worker_id":"someone-else"}""", credential: worker)))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, mismatch, "worker_id in request body must match X-Worker-Id header");
        using (var empty = await f.SendAsync(f.AsWorker(HttpMethod.Post, $"/api/hpc/jobs/{jobId}/claim", credential: worker)))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, empty, "Invalid request body");
        using var noHeader = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Post, $"/api/hpc/jobs/{jobId}/claim", "{}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, noHeader, "Missing required header: X-Worker-Id");
    }
}
