using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class SubmitTests(ITestOutputHelper output)
{
    private static Task<CycleHarness> Scripted(ITestOutputHelper output) => CycleHarness.StartAsync(output, o => o.Scripted = true);

    [Fact]
    public async Task Submitted_report_carries_the_scheduler_job_id()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync(parameters: new { args = new object[] { "--n", 3 }, environment = new { MODEL = "small" } });

        var report = await h.RunCycleAsync();

        Assert.Equal(1, report.Submitted);
        var slurmId = h.Scripted.IdFor(id);
        var job = h.Job(id);
        Assert.Equal(JobStatus.Submitted, job.Status);
        Assert.Equal(slurmId, job.SlurmJobId);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted], h.Statuses(id));
        var submitted = h.Transitions(id)[^1];
        Assert.Equal($"Slurm job {slurmId}", submitted.Detail);
        Assert.Equal(CycleHarness.WorkerId, submitted.WorkerId);
        var spec = Assert.Single(h.Scripted.Submitted);
        Assert.Equal(["--n", "3"], spec.Args);
        Assert.Equal("small", spec.Environment["MODEL"]);
        Assert.Equal(h.Dirs(id), spec.Directories);
        var row = h.Store.GetJob(id)!;
        Assert.Equal((LocalPhase.Submitted, slurmId, JobStatus.Submitted, 1), (row.Phase, row.SchedulerJobId, row.Emx2Status, row.SubmitAttempts));
        Assert.Empty(h.Store.PendingReports());
    }

    [Fact]
    public async Task A_claimed_job_without_a_configured_profile_fails_with_no_profile_configured()
    {
        await using var h = await Scripted(output);
        // Claimed by this worker's identity elsewhere (e.g. by a run with an older configuration), then adopted.
        using var worker = h.NewWorkerClient();
        await h.RunCycleAsync(); // registers
        await worker.RegisterWorkerAsync(new Core.Protocol.Dtos.RegisterWorkerRequest
        {
            WorkerId = CycleHarness.WorkerId,
            Capabilities = [new() { Processor = CycleHarness.Processor, Profile = "gpu-small" }],
        });
        var id = await h.CreateJobAsync(profile: "gpu-small");
        await worker.ClaimAsync(id);

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Failed, h.Job(id).Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Failed], h.Statuses(id));
        Assert.Equal("no profile configured for text-embedding:v3:gpu-small", h.Transitions(id)[^1].Detail);
        Assert.Empty(h.Scripted.Submitted);
        Assert.Null(h.Store.GetJob(id));
        Assert.True(h.Store.IsFinished(id));
    }

    [Fact]
    public async Task Invalid_parameters_fail_the_job_with_the_validation_message_before_the_scheduler_sees_it()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync(parameters: new { environment = new Dictionary<string, string> { ["A B"] = "x" } });

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Failed, h.Job(id).Status);
        Assert.Equal("parameters.environment: invalid variable name 'A B' (must match ^[A-Za-z_][A-Za-z0-9_]*$)", h.Transitions(id)[^1].Detail);
        Assert.Empty(h.Scripted.Submitted);
        Assert.Empty(h.ArtifactsOf(id));
    }

    [Fact]
    public async Task A_scheduler_refusal_fails_the_job_with_the_scheduler_message()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        h.Scripted.FailNextSubmit = new SchedulerException("sbatch: error: invalid partition specified: gpu");

        var report = await h.RunCycleAsync();

        Assert.Equal(0, report.Submitted);
        Assert.Equal(JobStatus.Failed, h.Job(id).Status);
        Assert.Equal("submission refused by slurm: sbatch: error: invalid partition specified: gpu", h.Transitions(id)[^1].Detail);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Failed], h.Statuses(id));
        Assert.Null(h.Store.GetJob(id));
        Assert.Empty(h.Scripted.Cancelled);
    }

    [Theory]
    [InlineData(true)]  // cron: the next cycle is a new process
    [InlineData(false)] // daemon: the same process runs the next cycle
    public async Task Scheduler_unavailable_during_submit_leaves_the_job_submitting_and_the_next_cycle_adopts_it_by_tag(bool restart)
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        h.Scripted.FailNextSubmit = new SchedulerUnavailableException("sbatch timed out after 30 s");
        h.Scripted.SubmitThenFail = true; // sbatch got through; only its answer was lost

        await h.RunCycleAsync();

        var row = h.Store.GetJob(id)!;
        Assert.Equal(LocalPhase.Submitting, row.Phase);
        Assert.Null(row.SchedulerJobId);
        Assert.Equal(JobStatus.Claimed, h.Job(id).Status);
        Assert.Single(h.Scripted.Submitted);

        if (restart) h.Restart();
        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(2)); // far past the settle time: still no second submission
        await h.RunCycleAsync();

        Assert.Single(h.Scripted.Submitted);
        var slurmId = h.Scripted.IdFor(id);
        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        Assert.Equal(slurmId, h.Job(id).SlurmJobId);
        Assert.Equal($"Slurm job {slurmId} (recovered after restart)", h.Transitions(id)[^1].Detail);
        Assert.Equal((LocalPhase.Submitted, slurmId), (h.Store.GetJob(id)!.Phase, h.Store.GetJob(id)!.SchedulerJobId));
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted], h.Statuses(id));
    }

    [Fact]
    public async Task A_submission_that_left_no_trace_is_resubmitted_exactly_once_after_the_settle_time()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        h.Scripted.FailNextSubmit = new SchedulerUnavailableException("sbatch: slurmctld not responding"); // never reached it

        await h.RunCycleAsync();
        Assert.Equal(LocalPhase.Submitting, h.Store.GetJob(id)!.Phase);

        // Within the settle time an orphaned sbatch could still land: only look, never submit.
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        await h.RunCycleAsync();
        Assert.Empty(h.Scripted.Submitted);
        Assert.Equal(LocalPhase.Submitting, h.Store.GetJob(id)!.Phase);
        Assert.Equal(JobStatus.Claimed, h.Job(id).Status);

        h.Clock.Advance(TimeSpan.FromSeconds(30)); // 50 s > 45 s settle time
        await h.RunCycleAsync();
        await h.RunCycleAsync();

        Assert.Single(h.Scripted.Submitted);
        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        Assert.Equal($"Slurm job {h.Scripted.IdFor(id)}", h.Transitions(id)[^1].Detail);
        var row = h.Store.GetJob(id)!;
        Assert.Equal((LocalPhase.Submitted, 2), (row.Phase, row.SubmitAttempts));
        Assert.Contains(h.Logs.Events, e => e.Message.Contains("no trace of it; submitting again", StringComparison.Ordinal));
    }
}
