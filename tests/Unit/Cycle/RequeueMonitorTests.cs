using Emx2Hpc.Core.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>A job Slurm requeues after it started (what the mini HPC cluster shows when a node dies under a job:
/// squeue PENDING with reason BeginTime, same job id, then RUNNING on another node) is followed to its end: never
/// failed, never submitted again, and EMX2 hears once that it went back to the queue.</summary>
public sealed class RequeueMonitorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_started_job_back_in_the_queue_is_reported_once_and_followed_to_completion()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Started, h.Job(id).Status);

        h.Scripted.SetStateOf(id, "PENDING"); // requeued after its node failed
        await h.RunCycleAsync();
        await h.RunCycleAsync();
        var requeued = Assert.Single(h.Transitions(id), t => t.Detail?.Contains("requeued", StringComparison.Ordinal) == true);
        Assert.Equal((JobStatus.Started, JobStatus.Started), (requeued.FromStatus, requeued.ToStatus));
        Assert.StartsWith("slurm_state=PENDING;", requeued.Detail);
        Assert.EndsWith("; requeued after it started", requeued.Detail);

        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.WriteOutput(id, $"slurm-{slurmId}.out", "second attempt\n");
        h.WriteOutput(id, $"slurm-{slurmId}.err", "");
        h.Scripted.SetStateOf(id, "COMPLETED", "0:0");
        await h.RunCycleAsync();

        // The one STARTED → STARTED report is the requeue notice; nothing else, and never FAILED.
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Started, JobStatus.Completed], h.Statuses(id));
        Assert.Equal(1, h.Scripted.SubmissionsFor(id));
    }

    [Fact]
    public async Task A_job_still_waiting_for_its_first_start_is_not_reported_as_requeued()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "PENDING");

        await h.RunCycleAsync();
        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        Assert.DoesNotContain(h.Transitions(id), t => t.Detail?.Contains("requeued", StringComparison.Ordinal) == true);
    }
}
