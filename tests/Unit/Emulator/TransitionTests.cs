using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Transition, complete and cancel (SERVER-SPEC §6.4, §7.2, §7.3).</summary>
public class TransitionTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Happy_path_sets_timestamps_slurm_id_and_links()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Claimed);
        using (var submitted = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"SUBMITTED","slurm_job_id":"4242","detail":"sbatch ok"}"""))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, submitted);
            var job = await submitted.ReadAsAsync<JobDto>();
            Assert.Equal(("4242", JobStatus.Submitted), (job.SlurmJobId, job.Status));
            Assert.NotNull(job.SubmittedAt);
            Assert.Equal(["self", "start", "cancel", "transitions"], job.Links!.Keys);
        }
        using (var started = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"STARTED"}""")) await HttpAssert.StatusAsync(HttpStatusCode.OK, started);
        var output = await Scenario.CreateArtifactAsync(f);
        using var completed = await Scenario.TransitionAsync(f, jobId, worker, $$"""{"status":"COMPLETED","output_artifact_id":"{{output}}","progress":1.0}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, completed);
        var done = await completed.ReadAsAsync<JobDto>();
        Assert.Equal(("4242", output, 1.0), (done.SlurmJobId, done.OutputArtifactId, done.Progress));
        Assert.Equal(output, done.OutputArtifact!.Id);
        Assert.Equal(ArtifactStatus.Created, done.OutputArtifact.Status);
        Assert.NotNull(done.StartedAt);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal(["self", "transitions"], done.Links!.Keys);
    }

    [Fact]
    public async Task Identical_same_state_post_is_absorbed_and_writes_nothing()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        using (var done = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"COMPLETED","detail":"exit 0"}""", action: "complete"))
            await HttpAssert.StatusAsync(HttpStatusCode.OK, done);
        var before = f.Server.GetTransitions(jobId).Count;
        // A crash-recovery retry of the same report: a duplicate (it carries a detail, so only the duplicate rule
        // keeps it from becoming a row), even with a slurm id the first post did not have.
        using var again = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"COMPLETED","detail":"exit 0","slurm_job_id":"other"}""", action: "complete");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, again);
        Assert.Equal(before, f.Server.GetTransitions(jobId).Count);
        Assert.Null(f.Server.GetJob(jobId)!.SlurmJobId);
        // A different detail on the same state is accepted (200) and audited, not refused.
        using var other = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"COMPLETED","detail":"exit 0 (late log)"}""", action: "complete");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, other);
        Assert.Equal(before + 1, f.Server.GetTransitions(jobId).Count);
    }

    [Fact]
    public async Task Same_state_progress_adds_one_row_per_distinct_update()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        var before = f.Server.GetTransitions(jobId).Count;
        const string update = """{"status":"STARTED","phase":"align","message":"chunk 3/10","progress":0.3}""";
        for (var i = 0; i < 2; i++)
        {
            using var r = await Scenario.TransitionAsync(f, jobId, worker, update);
            await HttpAssert.StatusAsync(HttpStatusCode.OK, r);
        }
        using (var next = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"STARTED","progress":0.5}"""))
            await HttpAssert.StatusAsync(HttpStatusCode.OK, next);
        // A retry of an older value is a duplicate: the snapshot is not rolled back.
        using (var stale = await Scenario.TransitionAsync(f, jobId, worker, update)) await HttpAssert.StatusAsync(HttpStatusCode.OK, stale);
        // No progress data at all: 200, nothing written.
        using (var bare = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"STARTED"}""")) await HttpAssert.StatusAsync(HttpStatusCode.OK, bare);

        var rows = f.Server.GetTransitions(jobId);
        Assert.Equal(before + 2, rows.Count);
        Assert.All(rows.Skip(before), r => Assert.Equal((JobStatus.Started, JobStatus.Started), (r.FromStatus, r.ToStatus)));
        var job = f.Server.GetJob(jobId)!;
        Assert.Equal(("align", "chunk 3/10", 0.5), (job.Phase, job.Message, job.Progress));
    }

    [Theory]
    [InlineData("""{"status":"COMPLETED"}""")]
    [InlineData("""{"status":"PENDING"}""")]
    [InlineData("""{"status":"STARTED"}""")]
    public async Task Illegal_edges_are_409(string json)
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Claimed);
        using var response = await Scenario.TransitionAsync(f, jobId, worker, json);
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, response, $"Cannot transition job {jobId} from CLAIMED to");
        Assert.Equal(JobStatus.Claimed, f.Server.GetJob(jobId)!.Status);
    }

    [Fact]
    public async Task Only_the_owning_worker_may_move_a_job()
    {
        var (jobId, _) = await Scenario.JobInStatusAsync(f, JobStatus.Claimed);
        using var response = await Scenario.TransitionAsync(f, jobId, Scenario.NewWorker(), """{"status":"SUBMITTED"}""");
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, response, "Cannot transition job");
    }

    [Theory]
    [InlineData("""{"detail":"x"}""", "status is required")]
    [InlineData("""{"status":"DONE"}""", "Invalid status: DONE")]
    [InlineData("""{"status":"SUBMITTED","worker_id":"impostor"}""", "worker_id in request body must match X-Worker-Id header")]
    [InlineData("""{"status":"SUBMITTED","phase":7}""", "phase must be a string")]
    [InlineData("""{"status":"SUBMITTED","progress":1.5}""", "progress must be between 0.0 and 1.0")]
    [InlineData("""{"status":"SUBMITTED","progress":-0.1}""", "progress must be between 0.0 and 1.0")]
    [InlineData("""{"status":"SUBMITTED","progress":"0.5"}""", "progress must be a finite number")]
    [InlineData("""{"status":"SUBMITTED","output_artifact_id":"00000000-0000-0000-0000-000000000000"}""", "references unknown artifact")]
    public async Task Transition_body_validation(string json, string detail)
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Claimed);
        using var response = await Scenario.TransitionAsync(f, jobId, worker, json);
        await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, response, detail);
    }

    [Fact]
    public async Task Phase_and_message_lengths_are_limited()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        using (var phase = await Scenario.TransitionAsync(f, jobId, worker, $$"""{"status":"STARTED","phase":"{{new string('p', 101)}}"}"""))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, phase, "phase must be at most 100 characters");
        using (var message = await Scenario.TransitionAsync(f, jobId, worker, $$"""{"status":"STARTED","message":"{{new string('m', 501)}}"}"""))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, message, "message must be at most 500 characters");
        using var atLimit = await Scenario.TransitionAsync(f, jobId, worker,
            $$"""{"status":"STARTED","phase":"{{new string('p', 100)}}","message":"{{new string('m', 500)}}","progress":0}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, atLimit);
    }

    [Fact]
    public async Task Complete_accepts_only_terminal_statuses()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        using (var bad = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"SUBMITTED"}""", action: "complete"))
            await HttpAssert.ProblemAsync(HttpStatusCode.BadRequest, bad, "terminal statuses");
        using (var failed = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"FAILED","detail":"exit 1"}""", action: "complete"))
            await HttpAssert.StatusAsync(HttpStatusCode.OK, failed);
        using var conflict = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"COMPLETED"}""", action: "complete");
        await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, conflict, $"Cannot complete job {jobId} from FAILED to COMPLETED");
    }

    [Fact]
    public async Task Cancel_by_submitter_then_again_is_200_and_records_one_row()
    {
        var (jobId, worker) = await Scenario.JobInStatusAsync(f, JobStatus.Started);
        for (var i = 0; i < 2; i++)
        {
            using var response = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, $"/api/hpc/jobs/{jobId}/cancel"));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
            Assert.Equal(JobStatus.Cancelled, (await response.ReadAsAsync<JobDto>()).Status);
        }
        var job = f.Server.GetJob(jobId)!;
        Assert.Equal(worker.WorkerId, job.WorkerId); // kept
        Assert.NotNull(job.CompletedAt);
        var row = Assert.Single(f.Server.GetTransitions(jobId), t => t.ToStatus == JobStatus.Cancelled);
        Assert.Equal(("Cancelled via API", null), (row.Detail, row.WorkerId));
    }

    [Fact]
    public async Task Cancel_rules_for_other_users_and_finished_jobs()
    {
        var pending = await Scenario.CreateJobAsync(f, "p");
        using (var other = await f.SendAsync(f.AsUser(EmulatorFixture.OtherEditorToken, HttpMethod.Post, $"/api/hpc/jobs/{pending}/cancel")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, other, "Only the job submitter or a manager can cancel this job");
        using (var viewer = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Post, $"/api/hpc/jobs/{pending}/cancel")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Forbidden, viewer, "Requires Editor privilege");
        using (var manager = await f.SendAsync(f.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Post, $"/api/hpc/jobs/{pending}/cancel")))
            await HttpAssert.StatusAsync(HttpStatusCode.OK, manager);

        var (done, _) = await Scenario.JobInStatusAsync(f, JobStatus.Completed);
        using (var finished = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, $"/api/hpc/jobs/{done}/cancel")))
            await HttpAssert.ProblemAsync(HttpStatusCode.Conflict, finished, $"Cannot cancel job {done} in status COMPLETED");
        using var missing = await f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, $"/api/hpc/jobs/{Guid.NewGuid()}/cancel"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Worker_may_cancel_an_unowned_pending_job_and_becomes_its_worker()
    {
        var jobId = await Scenario.CreateJobAsync(f, "p");
        var worker = Scenario.NewWorker();
        using var response = await Scenario.TransitionAsync(f, jobId, worker, """{"status":"CANCELLED","detail":"not for us"}""");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal(worker.WorkerId, f.Server.GetJob(jobId)!.WorkerId);
    }

    [Fact]
    public async Task Transition_of_unknown_job_is_404()
    {
        using var response = await Scenario.TransitionAsync(f, Guid.NewGuid().ToString(), Scenario.NewWorker(), """{"status":"SUBMITTED"}""");
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, response);
    }
}
