using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 3: a workload exiting non-zero.</summary>
public sealed class FailureTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Exit_code_3_fails_the_job_with_its_stderr_in_the_log_artifact() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("fail");

        job = await RunToEndAsync(job.Id, JobStatus.Failed);

        var slurmId = SlurmIdOf(job.Id);
        var final = Env.Transitions(job.Id)[^1];
        Assert.Equal(JobStatus.Failed, final.ToStatus);
        Assert.Contains("exit_code=3:0", final.Detail);
        Assert.Null(job.OutputArtifactId); // the script wrote no outputs, and a failed job publishes none
        Assert.NotNull(job.LogArtifactId);
        Assert.Equal(ArtifactStatus.Committed, Env.Artifact(job.LogArtifactId!).Status);
        Assert.Contains($"e2e_fail: deliberate failure for job {job.Id}", await Env.DownloadTextAsync(job.LogArtifactId!, $"slurm-{slurmId}.err"));

        var row = await AssertAccountedAsync(job.Id, "FAILED");
        Assert.Equal("3:0", row.ExitCode);
    });
}
