using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 5: a user cancels in EMX2 at each stage of the job's life; the daemon's next cycle makes the
/// cluster agree.</summary>
public sealed class CancelTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Cancel_at_CLAIMED_never_reaches_Slurm() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("bash");
        // Claim through the worker's own claim path (Receive-HpcJob): tracked locally as CLAIMED, not submitted.
        using (var session = WorkerSession.Open(new WorkerSessionOptions { ConfigPath = Env.ConfigPath }))
        {
            var claimed = await session.ClaimJobAsync(job.Id, CancellationToken.None);
            Assert.Equal(JobStatus.Claimed, claimed.Status);
            Assert.Contains(session.GetTrackedJobs(), t => t.JobId == job.Id);
        }
        await Env.Editor.CancelJobAsync(job.Id);

        await Daemon.OnceAsync();

        Assert.Equal(JobStatus.Cancelled, Env.Job(job.Id).Status);
        Assert.Equal(["PENDING", "CLAIMED", "CANCELLED"], StatusPath(job.Id));
        Assert.Null(Env.Job(job.Id).SlurmJobId);
        using (var session = WorkerSession.Open(new WorkerSessionOptions { ConfigPath = Env.ConfigPath }))
            Assert.DoesNotContain(session.GetTrackedJobs(), t => t.JobId == job.Id);
        Assert.Empty(await Slurm.SqueueIdsByNameAsync($"emx2-{job.Id}"));
        Assert.Empty(await Slurm.SacctByNameAsync($"emx2-{job.Id}"));
        Assert.False(File.Exists(Path.Combine(Env.JobDir(job.Id), "job.sbatch")), "a batch script was written for a cancelled job");
    });

    [E2EFact]
    public Task Cancel_at_SUBMITTED_cancels_the_pending_Slurm_job() => ScenarioAsync(async () =>
    {
        var nodes = await Slurm.NodesAsync();
        Assert.NotEmpty(nodes);
        string jobId, slurmId;
        // The node is drained only for these few cycles (other people use this cluster): jobs queue, nothing starts.
        await Slurm.DrainAsync(nodes, "emx2hpc-e2e-cancel-at-submitted");
        try
        {
            jobId = (await Env.CreateJobAsync("bash")).Id;
            await Daemon.DriveJobUntilAsync(jobId, TimeSpan.FromSeconds(60), JobStatus.Submitted, JobStatus.Started);
            Assert.Equal(JobStatus.Submitted, Env.Job(jobId).Status);
            slurmId = SlurmIdOf(jobId);
            Assert.Equal("PENDING", await Slurm.SqueueStateAsync(slurmId));

            await Env.Editor.CancelJobAsync(jobId);
            await Daemon.OnceAsync();

            await AssertLeavesTheQueueAsync(slurmId, TimeSpan.FromSeconds(15));
        }
        finally
        {
            await Slurm.ResumeAsync(nodes);
        }

        Assert.Equal(JobStatus.Cancelled, Env.Job(jobId).Status);
        Assert.Equal(["PENDING", "CLAIMED", "SUBMITTED", "CANCELLED"], StatusPath(jobId));
        await AssertAccountedAsync(jobId, "CANCELLED");
        await Daemon.OnceAsync(); // resumed node: nothing of this job may come back
        Assert.Null(await Slurm.SqueueStateAsync(slurmId));
        Assert.Equal(JobStatus.Cancelled, Env.Job(jobId).Status);
    });

    [E2EFact]
    public Task Cancel_at_STARTED_stops_the_running_Slurm_job() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("slow");
        await Daemon.DriveJobUntilAsync(job.Id, ShortJob, JobStatus.Started);
        var slurmId = SlurmIdOf(job.Id);
        Assert.Equal("RUNNING", await Slurm.SqueueStateAsync(slurmId));

        await Env.Editor.CancelJobAsync(job.Id);
        await Daemon.OnceAsync();

        Assert.Equal(JobStatus.Cancelled, Env.Job(job.Id).Status);
        await AssertLeavesTheQueueAsync(slurmId, TimeSpan.FromSeconds(30));
        await AssertAccountedAsync(job.Id, "CANCELLED");
        await Daemon.OnceAsync();
        Assert.Equal(["PENDING", "CLAIMED", "SUBMITTED", "STARTED", "CANCELLED"], StatusPath(job.Id));
    });
}
