using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.MiniHpc.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Scenarios;

/// <summary>A compute node dies under a running job. This cluster requeues batch jobs (JobRequeue=1): Slurm records
/// the attempt as NODE_FAIL, puts the job back to PENDING (reason BeginTime while the requeue delay runs) and starts
/// it again on a surviving node under the same job id. The worker must follow that to the end and never report a
/// failure. Then the node comes back and takes work again.</summary>
public sealed class NodeFailureTests(MiniHpcEnvironment env, ITestOutputHelper output) : MiniHpcTest(env, output)
{
    [MiniHpcFact]
    public Task A_node_crash_mid_job_is_followed_through_the_requeue_to_completion() => ScenarioAsync(async () =>
    {
        var id = (await Env.CreateJobAsync("long")).Id;
        string? crashed = null;
        await Worker.DriveUntilAsync(async () =>
            Env.Job(id).Status == JobStatus.Started && await Cluster.LiveAsync(SlurmIdOf(id)) is { State: "RUNNING" }, JobLimit,
            "the long job to run", () => Worker.Describe(id));
        var slurmId = SlurmIdOf(id);
        Worker.Note(await Cluster.CaptureAsync("node-failure-1-running", [slurmId]));
        try
        {
            crashed = (await Cluster.LiveAsync(slurmId))!.Node!;
            await Cluster.CrashNodeAsync(crashed);
            Worker.Note($"crashed {crashed} (SIGKILL to every process of the node, then scontrol state=down)");
            Worker.Note(await Cluster.CaptureAsync("node-failure-2-after-down", [slurmId]));

            var sawPending = false;
            await Worker.DriveUntilAsync(async () =>
            {
                var live = await Cluster.LiveAsync(slurmId);
                if (!sawPending && live is { State: "PENDING" })
                {
                    Worker.Note(await Cluster.CaptureAsync("node-failure-3-requeued", [slurmId]));
                    sawPending = true;
                }
                Assert.NotEqual(JobStatus.Failed, Env.Job(id).Status);
                return live is { State: "RUNNING" } && live.Node != crashed;
            }, JobLimit, "the requeued job to run on another node", () => Worker.Describe(id));
            Worker.Note(await Cluster.CaptureAsync("node-failure-4-rerunning", [slurmId]));

            var job = await RunToEndAsync(id, JobStatus.Completed);
            Worker.Note(await Cluster.CaptureAsync("node-failure-5-final", [slurmId]));

            Assert.DoesNotContain(JobStatus.Failed, StatusPath(id));
            var rows = await AssertInvariantsAsync(id, JobStatus.Completed);
            Assert.Equal("NODE_FAIL", rows[0].State);
            Assert.Equal(crashed, rows[0].Node);
            Assert.Equal("COMPLETED", rows[^1].State);
            Assert.NotEqual(crashed, rows[^1].Node);
            var attempts = (await Env.DownloadTextAsync(job.OutputArtifactId!, "attempts.txt")).TrimEnd('\n').Split('\n');
            Assert.Equal([$"attempt on {crashed} (restart count 0)", $"attempt on {rows[^1].Node} (restart count 1)"], attempts);
            Assert.Equal(rows[^1].Node, (await Env.DownloadTextAsync(job.OutputArtifactId!, "node.txt")).Trim());
        }
        finally
        {
            if (crashed is not null) await Cluster.RestoreNodeAsync(crashed);
        }
    });

    [MiniHpcFact]
    public Task A_node_that_returns_after_a_crash_takes_work() => ScenarioAsync(async () =>
    {
        const string node = "node-2";
        string[] others = ["node-0", "node-1"];
        await Cluster.CrashNodeAsync(node);
        Worker.Note($"{node} crashed: {await Cluster.NodeStateAsync(node)}");
        await Cluster.RestoreNodeAsync(node);
        Worker.Note($"{node} restored: {await Cluster.NodeStateAsync(node)}");
        // Only the returned node may take the job.
        await Cluster.DrainAsync(others, "minihpc-returned-node-test");
        try
        {
            var id = (await Env.CreateJobAsync("work")).Id;
            var job = await RunToEndAsync(id, JobStatus.Completed);
            Worker.Note(await Cluster.CaptureAsync("node-returns-final", [SlurmIdOf(id)]));
            var rows = await AssertInvariantsAsync(id, JobStatus.Completed);
            Assert.Equal(node, rows[^1].Node);
            Assert.Equal(node, (await Env.DownloadTextAsync(job.OutputArtifactId!, "node.txt")).Trim());
        }
        finally
        {
            await Cluster.ResumeAsync(others);
        }
    });
}
