using System.Text.Json;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>Local state lost or incomplete: EMX2 and the scheduler's tags are enough to carry on without a second
/// submission or a second set of artifacts.</summary>
public sealed class AdoptionTests(ITestOutputHelper output)
{
    private static void DeleteStateDatabase(CycleHarness h)
    {
        var db = h.Config.Worker.StateDb;
        h.Restart();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(db + suffix);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task A_started_job_survives_the_loss_of_the_state_database()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var id = await h.CreateJobAsync(parameters: new { simulate = new { steps = 3 } });
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        var slurmId = h.Job(id).SlurmJobId;

        DeleteStateDatabase(h);
        await h.RunCycleAsync();

        Assert.True(h.Store.WasRecreated);
        var adopted = h.Store.GetJob(id)!;
        Assert.Equal((LocalPhase.Running, slurmId, JobStatus.Started), (adopted.Phase, adopted.SchedulerJobId, adopted.Emx2Status));
        Assert.Contains(h.Logs.Events, e => e.Message.StartsWith($"adopted job {id} from EMX2", StringComparison.Ordinal));

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Single(h.SubmissionsLog());
        Assert.Equal(slurmId, job.SlurmJobId);
        var artifacts = h.ArtifactsOf(id);
        Assert.Equal(2, artifacts.Count);
        Assert.All(artifacts, a => Assert.Equal(ArtifactStatus.Committed, a.Status));
        Assert.Equal(new[] { job.OutputArtifactId, job.LogArtifactId }.Order(), artifacts.Select(a => (string?)a.Id).Order());
        Assert.Single(h.Statuses(id), s => s == JobStatus.Completed);
        Assert.Single(h.Statuses(id), s => s == JobStatus.Submitted);
        // The job was re-read from EMX2, so provenance is complete although local memory was lost.
        var result = h.Artifact(job.OutputArtifactId!);
        Assert.Equal(h.UserName, result.Metadata!.Value.GetProperty("created_by").GetString());
        Assert.Equal(slurmId, result.Metadata!.Value.GetProperty("scheduler_job_id").GetString());
    }

    [Fact]
    public async Task A_claim_whose_store_write_never_happened_is_adopted_and_submitted_once()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var id = await h.CreateJobAsync();
        // The claim reaches EMX2, then the process dies before it reads the answer (so before writing its row).
        h.Http.CrashAt(r => r.RequestUri!.AbsolutePath.EndsWith("/claim", StringComparison.Ordinal), CrashPoint.AfterSend);

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Claimed, h.Job(id).Status);
        Assert.Equal(CycleHarness.WorkerId, h.Job(id).WorkerId);
        Assert.Null(h.Store.GetJob(id));

        h.Restart();
        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Single(h.SubmissionsLog());
        Assert.Single(h.Statuses(id), s => s == JobStatus.Claimed);
        Assert.Equal(1, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/claim"));
        Assert.Equal(2, h.ArtifactsOf(id).Count);
    }

    [Fact]
    public async Task After_state_loss_only_our_ended_jobs_are_cancelled_on_the_cluster()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        const string otherId = "other-worker-02";
        const string otherSecret = "other-worker-secret-0123456789abcdefghijklmnop";
        h.Server.SetWorkerSecret(otherId, otherSecret);
        using var other = new Emx2Client(new Emx2ClientOptions { BaseUrl = h.Server.BaseUrl, WorkerId = otherId, Secret = otherSecret, Clock = h.Clock });
        await other.RegisterWorkerAsync(new RegisterWorkerRequest
        {
            WorkerId = otherId, Capabilities = [new CapabilityDto { Processor = "other-processor", Profile = "cpu" }],
        });
        // Another worker id on the same cluster account (so its jobs carry the same kind of tag) runs a job.
        var othersJob = await h.CreateJobAsync(processor: "other-processor", profile: "cpu");
        await other.ClaimAsync(othersJob);
        var othersSlurm = h.Scripted.AddExisting(othersJob, "RUNNING");
        // A leftover of ours: we claimed and submitted it, then EMX2 cancelled it (cancel keeps worker_id).
        var cancelled = await h.CreateJobAsync();
        using (var us = h.NewWorkerClient())
        {
            await us.RegisterWorkerAsync(new RegisterWorkerRequest { WorkerId = CycleHarness.WorkerId, Capabilities = [new CapabilityDto { Processor = CycleHarness.Processor, Profile = CycleHarness.Profile }] });
            await us.ClaimAsync(cancelled);
        }
        await h.User.CancelJobAsync(cancelled);
        var cancelledSlurm = h.Scripted.AddExisting(cancelled, "RUNNING");
        // A tagged job this EMX2 has never heard of may belong to another EMX2 server sharing the account: left alone.
        var unknownSlurm = h.Scripted.AddExisting(Guid.NewGuid().ToString(), "PENDING");

        var report = await h.RunCycleAsync(); // a brand-new state database

        Assert.Empty(report.Errors);
        Assert.Equal([cancelledSlurm], h.Scripted.Cancelled);
        Assert.Equal("RUNNING", h.Scripted.StateOf(othersSlurm));
        Assert.Equal("PENDING", h.Scripted.StateOf(unknownSlurm));
        Assert.Equal(JobStatus.Claimed, h.Job(othersJob).Status);
    }
}
