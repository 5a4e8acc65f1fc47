using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 11: an administrator's scancel is reported to EMX2 as CANCELLED by the worker (through
/// /complete, with the log artifact), not lost and not turned into FAILED.</summary>
public sealed class ExternalCancelTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Scancel_outside_the_daemon_is_reported_cancelled_with_a_log() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("slow");
        await Daemon.DriveJobUntilAsync(job.Id, ShortJob, JobStatus.Started);
        var slurmId = SlurmIdOf(job.Id);
        // Slurm reports RUNNING a moment before the batch script has written anything; cancel only once the
        // script's first line is in its log, so there is a log to publish.
        var log = Path.Combine(Env.JobDir(job.Id), "output", $"slurm-{slurmId}.out");
        for (var i = 0; i < 100 && !(File.Exists(log) && File.ReadAllText(log).Contains("e2e_slow: started")); i++) await Task.Delay(200);

        var completeCalls = Env.Emulator.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete");
        await Slurm.ScancelAsync(slurmId);
        job = await RunToEndAsync(job.Id, JobStatus.Cancelled);

        Assert.True(Env.Emulator.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete") > completeCalls, "CANCELLED was not reported through /complete");

        var final = Env.Transitions(job.Id)[^1];
        Assert.Equal(JobStatus.Cancelled, final.ToStatus);
        Assert.Equal(E2EEnvironment.WorkerId, final.WorkerId); // reported by the worker, not cancelled through the API
        Assert.Contains("slurm_state=CANCELLED", final.Detail);
        Assert.NotNull(job.LogArtifactId);
        Assert.Equal(ArtifactStatus.Committed, Env.Artifact(job.LogArtifactId!).Status);
        Assert.Contains("e2e_slow: started", await Env.DownloadTextAsync(job.LogArtifactId!, $"slurm-{slurmId}.out"));
        Assert.Null(job.OutputArtifactId);
        var row = await AssertAccountedAsync(job.Id, "CANCELLED");
        Assert.StartsWith("CANCELLED by ", row.State); // an outside scancel: Slurm names who did it
    });
}
