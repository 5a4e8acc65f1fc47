using Emx2Hpc.Core.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class TimeoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Job_timeout_cancels_the_scheduler_job_and_fails_it_with_its_logs()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync(timeoutSeconds: 60);
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.WriteOutput(id, $"slurm-{slurmId}.out", "still embedding\n");
        h.WriteOutput(id, "partial.txt", "half\n");

        h.Clock.Advance(TimeSpan.FromSeconds(29)); // 59 s since the claim
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        Assert.Empty(h.Scripted.Cancelled);

        h.Clock.Advance(TimeSpan.FromSeconds(2));
        await h.RunCycleAsync();

        Assert.Equal([slurmId], h.Scripted.Cancelled);
        var job = h.Job(id);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Failed], h.Statuses(id));
        Assert.StartsWith("timeout: job timeout_seconds (60s) exceeded after 61s; log_artifact=", h.Transitions(id)[^1].Detail);
        Assert.Equal("still embedding\n", h.FileText(job.LogArtifactId!, $"slurm-{slurmId}.out"));
        Assert.Null(job.OutputArtifactId);
        Assert.Null(h.Store.GetJob(id));

        await h.RunCycleAsync(); // the cancelled scheduler job is not reported again
        Assert.Equal(5, h.Transitions(id).Count);
    }

    [Fact]
    public async Task Job_timeout_counts_from_EMX2_claimed_at_not_from_when_this_process_started_tracking()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        await h.RunCycleAsync(); // registered
        var id = await h.CreateJobAsync(timeoutSeconds: 60);
        using (var worker = h.NewWorkerClient()) await worker.ClaimAsync(id); // a run that died right after claiming
        h.Clock.Advance(TimeSpan.FromSeconds(50));

        await h.RunCycleAsync(); // adopted and submitted 50 s after the claim
        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        h.Clock.Advance(TimeSpan.FromSeconds(11));
        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Failed, h.Job(id).Status);
        Assert.StartsWith("timeout: job timeout_seconds (60s) exceeded after 61s", h.Transitions(id)[^1].Detail);
        Assert.Equal([h.Scripted.IdFor(id)], h.Scripted.Cancelled);
    }

    [Fact]
    public async Task A_job_stuck_before_submission_fails_after_the_profile_submission_timeout()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var input = await h.UploadManagedInputAsync("data", ("a.txt", "a\n"));
        var id = await h.CreateJobAsync(inputs: new[] { input });
        h.SetFaults("""{"rules":[{"method":"GET","path":"^/api/hpc/artifacts/[^/]+/files/","action":"503"}]}""");

        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(200));
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Claimed, h.Job(id).Status);
        Assert.Contains(h.Logs.Events, e => e.Message.Contains("interrupted", StringComparison.Ordinal) && e.Message.Contains("retrying next cycle", StringComparison.Ordinal));

        h.Clock.Advance(TimeSpan.FromSeconds(101));
        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Failed, h.Job(id).Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Failed], h.Statuses(id));
        Assert.Equal("timeout: submission_timeout_seconds (300s) exceeded for profile text-embedding:v3:gpu-medium", h.Transitions(id)[^1].Detail);
        Assert.Empty(h.Scripted.Submitted);
        Assert.Empty(h.Scripted.Cancelled);
    }
}
