using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class MonitorTests(ITestOutputHelper output)
{
    private static Task<CycleHarness> Scripted(ITestOutputHelper output, Action<HarnessOptions>? more = null) =>
        CycleHarness.StartAsync(output, o => { o.Scripted = true; more?.Invoke(o); });

    private static void WriteSlurmLogs(CycleHarness h, string jobId, string stdout = "hello from the job\n")
    {
        var slurmId = h.Scripted.IdFor(jobId);
        h.WriteOutput(jobId, $"slurm-{slurmId}.out", stdout);
        h.WriteOutput(jobId, $"slurm-{slurmId}.err", "");
    }

    [Fact]
    public async Task One_batched_scheduler_query_per_cycle_and_no_per_job_requests_to_EMX2()
    {
        await using var h = await Scripted(output);
        var ids = new[] { await h.CreateJobAsync(), await h.CreateJobAsync(), await h.CreateJobAsync() };
        await h.RunCycleAsync();
        h.ClearSent();
        foreach (var id in ids) h.Scripted.SetStateOf(id, "RUNNING");

        await h.RunCycleAsync();
        await h.RunCycleAsync();

        var queries = h.Scripted.Queries;
        Assert.Equal(3, queries.Count); // one in the submitting cycle, one in each of the two cycles
        Assert.All(queries, q => Assert.Equal(ids.Select(h.Scripted.IdFor).Order(), q.Order()));
        Assert.All(ids, id => Assert.Equal(JobStatus.Started, h.Job(id).Status));
        // EMX2 side: the in-flight lists, no GET per tracked job.
        Assert.DoesNotContain(h.Sent, r => r.Method == "GET" && System.Text.RegularExpressions.Regex.IsMatch(r.Path, "^/api/hpc/jobs/[0-9a-f-]{36}$"));
        Assert.Equal(1, h.Scripted.ListTaggedCalls); // only the first cycle's stray check on a new state database
    }

    [Fact]
    public async Task A_job_that_finished_between_two_passes_gets_a_retroactive_STARTED_before_COMPLETED()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        WriteSlurmLogs(h, id);
        h.WriteOutput(id, "result.txt", "42\n");
        h.Scripted.SetStateOf(id, "COMPLETED", "0:0");

        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Completed], h.Statuses(id));
        Assert.Equal("slurm_state=COMPLETED (fast job, retroactive STARTED)", h.Transitions(id)[3].Detail);
        Assert.NotNull(job.OutputArtifactId);
        Assert.NotNull(job.LogArtifactId);
    }

    [Fact]
    public async Task A_queued_job_cancelled_on_the_cluster_goes_straight_to_CANCELLED_with_its_log()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        WriteSlurmLogs(h, id, "");
        h.WriteOutput(id, "partial.txt", "half\n");
        h.Scripted.SetStateOf(id, "CANCELLED by 1000");

        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Cancelled], h.Statuses(id));
        Assert.StartsWith("slurm_state=CANCELLED by 1000", h.Transitions(id)[^1].Detail);
        Assert.NotNull(job.LogArtifactId);
        Assert.Null(job.OutputArtifactId); // outputs of a cancelled job are not published
        Assert.Equal(1, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete"));
    }

    [Fact]
    public async Task An_absent_job_is_given_the_grace_period_then_failed_with_its_logs()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        WriteSlurmLogs(h, id, "last words\n");
        h.Scripted.Hide(slurmId);

        await h.RunCycleAsync();
        var firstSeenMissing = h.Store.GetJob(id)!.UnknownSinceUtc;
        Assert.Equal(h.Clock.GetUtcNow(), firstSeenMissing);
        h.Clock.Advance(TimeSpan.FromSeconds(100));
        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(19));
        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        Assert.Equal(firstSeenMissing, h.Store.GetJob(id)!.UnknownSinceUtc);

        h.Clock.Advance(TimeSpan.FromSeconds(2)); // 121 s
        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.StartsWith($"scheduler job {slurmId} not visible in squeue or sacct after 120s grace; log_artifact=", h.Transitions(id)[^1].Detail);
        Assert.NotNull(job.LogArtifactId);
        Assert.Equal("last words\n", h.FileText(job.LogArtifactId!, $"slurm-{slurmId}.out"));
        Assert.Null(h.Store.GetJob(id));
    }

    [Fact]
    public async Task A_job_that_reappears_within_the_grace_period_starts_the_clock_afresh()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.Scripted.Hide(slurmId);
        await h.RunCycleAsync();
        Assert.NotNull(h.Store.GetJob(id)!.UnknownSinceUtc);

        h.Scripted.Hide(slurmId, hidden: false);
        h.Clock.Advance(TimeSpan.FromSeconds(100));
        await h.RunCycleAsync();
        Assert.Null(h.Store.GetJob(id)!.UnknownSinceUtc);

        h.Scripted.Hide(slurmId);
        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(100));
        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Submitted, h.Job(id).Status); // 200 s absent in total, but never 120 s in a row
    }

    [Fact]
    public async Task An_unreachable_scheduler_changes_nothing_and_fails_nothing()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        var transitions = h.Transitions(id).Count;
        h.Scripted.Unavailable = true;

        for (var i = 0; i < 3; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(100));
            var report = await h.RunCycleAsync();
            Assert.False(report.Emx2Unreachable);
        }

        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        Assert.Equal(transitions, h.Transitions(id).Count);
        var row = h.Store.GetJob(id)!;
        Assert.Equal((LocalPhase.Running, (DateTimeOffset?)null), (row.Phase, row.UnknownSinceUtc));
        Assert.Contains(h.Logs.Events, e => e.Message.StartsWith("scheduler unavailable, job states unchanged", StringComparison.Ordinal));

        h.Scripted.Unavailable = false;
        WriteSlurmLogs(h, id);
        h.Scripted.SetStateOf(id, "COMPLETED", "0:0");
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Completed, h.Job(id).Status);
    }

    [Fact]
    public async Task A_notable_state_is_reported_once_not_every_cycle()
    {
        var (h, id) = await SuspendedAfterRunningAsync();
        await using var _ = h;

        for (var i = 0; i < 4; i++) await h.RunCycleAsync();

        var suspended = h.Transitions(id).Where(t => t.Detail?.StartsWith("slurm_state=SUSPENDED", StringComparison.Ordinal) == true).ToList();
        var row = Assert.Single(suspended);
        Assert.Equal((JobStatus.Started, JobStatus.Started), (row.FromStatus, row.ToStatus));
        Assert.Single(h.Sent, r => r.Path == $"/api/hpc/jobs/{id}/transition"); // sent once, not deduplicated by the server
        Assert.Equal(JobStatus.Started, h.Job(id).Status);

        h.Scripted.SetStateOf(id, "RUNNING"); // resumed: not notable, nothing to say
        await h.RunCycleAsync();
        Assert.Single(h.Sent, r => r.Path == $"/api/hpc/jobs/{id}/transition");
    }

    [Fact]
    public async Task A_notable_state_is_reported_once_even_while_the_job_writes_progress()
    {
        // The progress relay writes the row after the notable report: it must not put the old notable state back.
        var (h, id) = await SuspendedAfterRunningAsync();
        await using var _ = h;

        var lines = "";
        for (var i = 1; i <= 4; i++)
        {
            lines += $"{{\"phase\":\"step{i}\",\"progress\":0.{i}}}\n";
            h.WriteOutput(id, ".hpc_progress.jsonl", lines);
            await h.RunCycleAsync();
        }

        var suspended = h.Transitions(id).Where(t => t.Detail?.StartsWith("slurm_state=SUSPENDED", StringComparison.Ordinal) == true);
        Assert.Single(suspended);
        Assert.Equal(["step1", "step2", "step3", "step4"], h.Transitions(id).Where(t => t.Phase is not null).Select(t => t.Phase!));
        // EMX2 keeps one row for a repeated identical transition, so count what was sent: SUSPENDED once, 4 progress lines.
        Assert.Equal(5, h.Sent.Count(r => r.Path == $"/api/hpc/jobs/{id}/transition"));
    }

    /// <summary>A job that ran and is now SUSPENDED on the cluster; the requests sent so far are forgotten.</summary>
    private async Task<(CycleHarness H, string Id)> SuspendedAfterRunningAsync()
    {
        var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "SUSPENDED");
        h.ClearSent();
        return (h, id);
    }
}
