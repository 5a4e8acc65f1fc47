using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenarios 4 and 10: the two kinds of time limit. Both jobs were created when the suite started
/// (<see cref="E2EEnvironment"/>) so their minute of waiting overlaps the other scenarios.</summary>
public sealed class TimeoutTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Job_timeout_seconds_fails_the_job_and_cancels_it_on_Slurm() => ScenarioAsync(async () =>
    {
        var jobId = Env.TimeoutJobId;
        Assert.Equal(E2EEnvironment.TimeoutJobSeconds, Env.Job(jobId).TimeoutSeconds);

        await RunToEndAsync(jobId, JobStatus.Failed, TimeSpan.FromMinutes(4));

        var final = Env.Transitions(jobId)[^1];
        Assert.Contains($"timeout: job timeout_seconds ({E2EEnvironment.TimeoutJobSeconds}s) exceeded", final.Detail);
        var slurmId = SlurmIdOf(jobId);
        await AssertLeavesTheQueueAsync(slurmId, TimeSpan.FromSeconds(30));
        await AssertAccountedAsync(jobId, "CANCELLED");
    });

    [E2EFact]
    public Task Slurm_wall_time_limit_fails_the_job_with_TIMEOUT() => ScenarioAsync(async () =>
    {
        var jobId = Env.WalltimeJobId;

        await RunToEndAsync(jobId, JobStatus.Failed, TimeSpan.FromMinutes(4));

        var final = Env.Transitions(jobId)[^1];
        Assert.Contains("TIMEOUT", final.Detail);
        await AssertAccountedAsync(jobId, "TIMEOUT");
        Assert.NotNull(Env.Job(jobId).LogArtifactId); // what the job printed before it was killed is kept
    });
}
