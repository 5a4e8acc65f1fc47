using System.Net;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 9: a running job cannot be deleted until it is cancelled; once it is gone from EMX2 the
/// daemon stops its Slurm job.</summary>
public sealed class DeleteTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Deleting_a_running_job_needs_a_cancel_first() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("slow");
        await Daemon.DriveJobUntilAsync(job.Id, ShortJob, JobStatus.Started);
        var slurmId = SlurmIdOf(job.Id);
        var jobName = $"emx2-{job.Id}";

        using (var refused = await Env.SendAsUserAsync(HttpMethod.Delete, $"/api/hpc/jobs/{job.Id}"))
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(JobStatus.Started, Env.Job(job.Id).Status);
        using (var cancelled = await Env.SendAsUserAsync(HttpMethod.Post, $"/api/hpc/jobs/{job.Id}/cancel"))
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using (var deleted = await Env.SendAsUserAsync(HttpMethod.Delete, $"/api/hpc/jobs/{job.Id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(Env.Emulator.GetJob(job.Id));

        await Daemon.OnceAsync();

        await AssertLeavesTheQueueAsync(slurmId, TimeSpan.FromSeconds(30));
        using (var session = WorkerSession.Open(new WorkerSessionOptions { ConfigPath = Env.ConfigPath }))
            Assert.DoesNotContain(session.GetTrackedJobs(), t => t.JobId == job.Id);
        await Slurm.WaitForSacctAsync(slurmId, r => r.BaseState == "CANCELLED" && r.JobName == jobName, TimeSpan.FromSeconds(60));
    });
}
