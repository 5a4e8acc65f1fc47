using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.MiniHpc.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Scenarios;

/// <summary>A workload that really fails (exit 3) on a compute node: FAILED, with Slurm's reason and the log.</summary>
public sealed class FailureTests(MiniHpcEnvironment env, ITestOutputHelper output) : MiniHpcTest(env, output)
{
    [MiniHpcFact]
    public Task A_real_failure_is_reported_failed_with_the_reason_and_the_log_artifact() => ScenarioAsync(async () =>
    {
        var id = (await Env.CreateJobAsync("fail")).Id;

        var job = await RunToEndAsync(id, JobStatus.Failed);
        var slurmId = SlurmIdOf(id);
        Worker.Note(await Cluster.CaptureAsync("failure-final", [slurmId]));

        var rows = await AssertInvariantsAsync(id, JobStatus.Failed);
        Assert.Equal("FAILED", rows[^1].State);
        Assert.Equal("3:0", rows[^1].ExitCode);
        var final = Env.Transitions(id)[^1];
        Assert.Contains("slurm_state=FAILED", final.Detail);
        Assert.Contains("exit_code=3:0", final.Detail);
        Assert.Contains("failure=NON_ZERO_EXIT", final.Detail);
        Assert.Contains($"node={rows[^1].Node}", final.Detail);
        Assert.NotNull(job.LogArtifactId);
        Assert.Equal(ArtifactStatus.Committed, Env.Artifact(job.LogArtifactId!).Status);
        Assert.Contains($"e2e_fail: deliberate failure for job {id}", await Env.DownloadTextAsync(job.LogArtifactId!, $"slurm-{slurmId}.err"));
    });
}
