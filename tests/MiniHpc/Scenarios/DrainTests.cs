using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.MiniHpc.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Scenarios;

/// <summary>Maintenance, two ways. Every node of the partition drained: a job submitted meanwhile waits in Slurm's
/// queue, the worker keeps it SUBMITTED over many cycles without any false failure, and it runs once the nodes
/// resume. The partition itself drained: sbatch refuses new jobs ("Required partition not available (inactive or
/// drain)"), the worker keeps the job CLAIMED and submits it once the partition is up again.</summary>
public sealed class DrainTests(MiniHpcEnvironment env, ITestOutputHelper output) : MiniHpcTest(env, output)
{
    private static readonly string[] Nodes = ["node-0", "node-1", "node-2"];

    [MiniHpcFact]
    public Task A_drained_partition_makes_jobs_wait_without_false_failure() => ScenarioAsync(async () =>
    {
        await Cluster.DrainAsync(Nodes, "minihpc-maintenance");
        string id;
        try
        {
            foreach (var node in Nodes) await Cluster.WaitForNodeAsync(node, s => s == "drained", TimeSpan.FromSeconds(60));
            id = (await Env.CreateJobAsync("work")).Id;
            await Worker.DriveJobUntilAsync(id, JobLimit, JobStatus.Submitted);
            var slurmId = SlurmIdOf(id);
            // Several cycles while nothing can run: the job must stay SUBMITTED and PENDING.
            for (var cycle = 0; cycle < 5; cycle++)
            {
                await Worker.OnceAsync();
                Assert.Equal(JobStatus.Submitted, Env.Job(id).Status);
                Assert.Equal("PENDING", (await Cluster.LiveAsync(slurmId))?.State);
                await Task.Delay(WorkerDriver.Cadence);
            }
            Worker.Note(await Cluster.CaptureAsync("drain-1-pending", [slurmId]));
        }
        finally
        {
            await Cluster.ResumeAsync(Nodes);
        }

        await RunToEndAsync(id, JobStatus.Completed);
        Worker.Note(await Cluster.CaptureAsync("drain-2-final", [SlurmIdOf(id)]));
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Completed], StatusPath(id));
        await AssertInvariantsAsync(id, JobStatus.Completed);
    });

    [MiniHpcFact]
    public Task A_drained_partition_refusing_submissions_makes_jobs_wait_claimed_without_false_failure() => ScenarioAsync(async () =>
    {
        await Cluster.SetPartitionStateAsync("DRAIN");
        string id;
        try
        {
            id = (await Env.CreateJobAsync("work")).Id;
            for (var cycle = 0; cycle < 5; cycle++)
            {
                await Worker.OnceAsync();
                Assert.Equal(JobStatus.Claimed, Env.Job(id).Status);
                Assert.Null(Env.Job(id).SlurmJobId);
                await Task.Delay(WorkerDriver.Cadence);
            }
            Assert.Empty(await Cluster.AccountingByNameAsync(id)); // sbatch really refused: no Slurm job exists
        }
        finally
        {
            await Cluster.SetPartitionStateAsync("UP");
        }

        await RunToEndAsync(id, JobStatus.Completed);
        Worker.Note(await Cluster.CaptureAsync("partition-drain-final", [SlurmIdOf(id)]));
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Completed], StatusPath(id));
        await AssertInvariantsAsync(id, JobStatus.Completed);
    });
}
