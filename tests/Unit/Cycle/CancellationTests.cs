using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>A user cancels in EMX2; the worker must stop the compute and stop talking about the job.</summary>
public sealed class CancellationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancelled_in_EMX2_while_submitted_or_started_cancels_the_scheduler_job_and_retires_it(bool started)
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        if (started)
        {
            h.Scripted.SetStateOf(id, "RUNNING");
            await h.RunCycleAsync();
        }
        var slurmId = h.Scripted.IdFor(id);
        Assert.Equal(started ? JobStatus.Started : JobStatus.Submitted, h.Job(id).Status);

        await h.User.CancelJobAsync(id);
        var rowsAfterCancel = h.Transitions(id).Count;
        h.ClearSent();
        await h.RunCycleAsync();
        await h.RunCycleAsync();

        Assert.Equal([slurmId], h.Scripted.Cancelled);
        Assert.StartsWith("CANCELLED", h.Scripted.StateOf(slurmId));
        Assert.Null(h.Store.GetJob(id));
        Assert.True(h.Store.IsFinished(id));
        Assert.Equal(JobStatus.Cancelled, h.Store.ListFinished().Single(f => f.JobId == id).FinalStatus);
        Assert.Empty(h.Store.PendingReports());
        Assert.Equal(rowsAfterCancel, h.Transitions(id).Count);
        Assert.Equal("Cancelled via API", h.Transitions(id)[^1].Detail);
        Assert.DoesNotContain(h.Sent, r => r.Method == "POST" && r.Path.StartsWith($"/api/hpc/jobs/{id}/", StringComparison.Ordinal));
        Assert.Empty(h.ArtifactsOf(id));
    }

    [Fact]
    public async Task A_job_cancelled_and_deleted_in_EMX2_between_two_cycles_is_cancelled_on_the_cluster_and_forgotten()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);

        await h.User.CancelJobAsync(id);
        await h.User.DeleteJobAsync(id);
        await h.RunCycleAsync();

        Assert.Null(h.Server.GetJob(id));
        Assert.Equal([slurmId], h.Scripted.Cancelled);
        Assert.Null(h.Store.GetJob(id));
        Assert.Equal("DELETED", h.Store.ListFinished().Single(f => f.JobId == id).FinalStatus);
        Assert.Empty(h.Store.PendingReports());
    }

    [Fact]
    public async Task Cancellation_wins_over_a_scheduler_job_that_finished_at_the_same_time()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.WriteOutput(id, $"slurm-{slurmId}.out", "done\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.Scripted.SetStateOf(id, "COMPLETED", "0:0");
        await h.User.CancelJobAsync(id);

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Cancelled, h.Job(id).Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Cancelled], h.Statuses(id));
        Assert.Empty(h.ArtifactsOf(id)); // nothing was published for a job the user no longer wants
        Assert.Equal(0, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete"));
        Assert.Null(h.Store.GetJob(id));
        Assert.Equal(JobStatus.Cancelled, h.Store.ListFinished().Single(f => f.JobId == id).FinalStatus);
    }

    [Fact]
    public async Task Cancelled_while_the_submission_outcome_is_unknown_finds_the_scheduler_job_by_tag_and_cancels_it()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        h.Scripted.FailNextSubmit = new SchedulerUnavailableException("sbatch timed out");
        h.Scripted.SubmitThenFail = true;
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        Assert.Equal(JobStatus.Claimed, h.Job(id).Status);

        await h.User.CancelJobAsync(id);
        await h.RunCycleAsync();

        Assert.Equal([slurmId], h.Scripted.Cancelled);
        Assert.Null(h.Store.GetJob(id));
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Cancelled], h.Statuses(id));
        Assert.Single(h.Scripted.Submitted);
    }
}
