using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;
using Emx2Hpc.Tests.Unit.Cycle;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>Taking over from the Python emx2-hpc-daemon without its state database: EMX2 lists the jobs this worker
/// holds, the cluster has the Python daemon's jobs under short names, and nothing may run twice or be reported
/// COMPLETED without its results.</summary>
public sealed class LegacyAdoptionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_the_Python_daemon_submitted_but_never_reported_is_adopted_not_resubmitted()
    {
        await using var h = await CycleHarness.StartAsync(output);
        using var python = new PythonDaemonDouble(h);
        await python.RegisterAsync();
        var id = await h.CreateJobAsync();
        // Killed between its sbatch and its SUBMITTED report: EMX2 says CLAIMED with no slurm_job_id.
        var slurmId = await python.ClaimAndSubmitAsync(id, report: false);
        Assert.Equal((JobStatus.Claimed, (string?)null), (h.Job(id).Status, h.Job(id).SlurmJobId));

        await h.RunCycleAsync();

        var adopted = h.Store.GetJob(id)!;
        Assert.Equal(slurmId, adopted.SchedulerJobId);
        Assert.Contains(h.Logs.Events, e => e.Message.Contains($"submitted by the Python emx2-hpc-daemon (job name emx2-{id[..8]})", StringComparison.Ordinal));
        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Single(h.SubmissionsLog());
        Assert.Equal(slurmId, job.SlurmJobId);
        Assert.Single(h.Statuses(id), s => s == JobStatus.Submitted);
        Assert.Equal(2, h.ArtifactsOf(id).Count);
        Assert.NotNull(job.OutputArtifactId);
    }

    [Fact]
    public async Task A_claimed_job_with_no_trace_in_the_cluster_is_submitted_once()
    {
        await using var h = await CycleHarness.StartAsync(output);
        using var python = new PythonDaemonDouble(h);
        await python.RegisterAsync();
        var other = await h.CreateJobAsync();
        await python.ClaimAndSubmitAsync(other, report: false);
        var id = await h.CreateJobAsync();
        await python.ClaimAsync(id); // killed before sbatch

        var job = await h.RunUntilFinishedAsync(id);
        await h.RunUntilFinishedAsync(other);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, h.SubmissionsLog().Length);
        Assert.Single(h.SubmissionsLog(), l => l.EndsWith(id, StringComparison.Ordinal));
        Assert.Single(h.SubmissionsLog(), l => l.EndsWith(other, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_adopted_job_whose_output_directory_is_elsewhere_is_FAILED_naming_the_directory()
    {
        await using var h = await CycleHarness.StartAsync(output);
        using var python = new PythonDaemonDouble(h, Path.Combine(h.Root, "python-jobs"));
        await python.RegisterAsync();
        var id = await h.CreateJobAsync();
        var slurmId = await python.ClaimAndSubmitAsync(id, steps: 0);

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Null(job.OutputArtifactId);
        Assert.Equal(slurmId, job.SlurmJobId);
        Assert.Single(h.SubmissionsLog());
        var final = h.Transitions(id).Last();
        Assert.Contains($"output directory {h.Dirs(id).Output} does not exist", final.Detail, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(python.Dirs(id).Output, "result.txt")), "the results stay where the Python daemon's job wrote them");
        Assert.DoesNotContain(JobStatus.Completed, h.Statuses(id));
    }

    [Fact]
    public async Task A_job_the_Python_daemon_reported_SUBMITTED_finishes_with_its_artifacts_when_the_jobs_root_is_shared()
    {
        await using var h = await CycleHarness.StartAsync(output);
        using var python = new PythonDaemonDouble(h);
        await python.RegisterAsync();
        var id = await h.CreateJobAsync();
        var slurmId = await python.ClaimAndSubmitAsync(id, steps: 2);

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(slurmId, job.SlurmJobId);
        Assert.Single(h.SubmissionsLog());
        Assert.Equal(2, h.ArtifactsOf(id).Count);
        Assert.Null(h.Store.GetJob(id));
        Assert.Contains(h.Store.ListFinished(), f => f.JobId == id && f.FinalStatus == JobStatus.Completed);
    }
}
