using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class OutboxTests(ITestOutputHelper output)
{
    private static Task<CycleHarness> Scripted(ITestOutputHelper output) => CycleHarness.StartAsync(output, o => o.Scripted = true);

    [Fact]
    public async Task Reports_made_while_EMX2_is_down_are_queued_and_delivered_in_order_when_it_is_back()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.Server.SetEnabled(false);

        h.Scripted.SetState(slurmId, "RUNNING");
        h.WriteOutput(id, ".hpc_progress.jsonl", "{\"phase\":\"embed\",\"progress\":0.5}\n");
        var down = await h.RunCycleAsync();
        h.WriteOutput(id, $"slurm-{slurmId}.out", "ok\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.Scripted.SetState(slurmId, "COMPLETED", "0:0");
        var stillDown = await h.RunCycleAsync();

        Assert.True(down.Emx2Unreachable);
        Assert.True(stillDown.Emx2Unreachable);
        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        var queued = h.Store.PendingReports(id);
        Assert.Equal([(ReportKind.Transition, JobStatus.Started), (ReportKind.Transition, JobStatus.Started)], queued.Select(q => (q.Kind, q.TargetStatus)));
        Assert.True(queued[0].Sequence < queued[1].Sequence);
        Assert.Equal(LocalPhase.Finishing, h.Store.GetJob(id)!.Phase); // the outcome is recorded, publishing waits for EMX2

        h.Server.SetEnabled(true);
        var back = await h.RunCycleAsync();

        Assert.False(back.Emx2Unreachable);
        Assert.Equal(3, back.ReportsDelivered);
        var rows = h.Transitions(id);
        Assert.Equal(
            [(JobStatus.Submitted, JobStatus.Started, null), (JobStatus.Started, JobStatus.Started, "embed"), (JobStatus.Started, JobStatus.Completed, null)],
            rows.Skip(3).Select(t => (t.FromStatus, t.ToStatus, t.Phase)));
        Assert.Empty(h.Store.PendingReports());
        Assert.Null(h.Store.GetJob(id));
    }

    [Fact]
    public async Task A_flush_interrupted_half_way_keeps_the_order()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        h.WriteOutput(id, ".hpc_progress.jsonl", "{\"progress\":0.25}\n");
        // STARTED goes through, then EMX2 fails every attempt of the progress report.
        h.SetFaults("""{"rules":[{"method":"POST","path":"/transition$","action":"503","skip":1,"times":4}]}""");

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        var pending = Assert.Single(h.Store.PendingReports(id));
        Assert.Equal(1, pending.Attempts);
        Assert.Contains("503", pending.LastError);

        h.WriteOutput(id, ".hpc_progress.jsonl", "{\"progress\":0.25}\n{\"progress\":0.5}\n");
        await h.RunCycleAsync();

        Assert.Equal([0.25, 0.5], h.Transitions(id).Where(t => t.Progress is not null).Select(t => t.Progress!.Value));
        Assert.Empty(h.Store.PendingReports());
    }

    [Fact]
    public async Task A_report_the_server_has_already_superseded_is_acknowledged_on_409()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        h.SetFaults("""{"rules":[{"method":"POST","path":"/transition$","action":"503","times":4}]}""");
        await h.RunCycleAsync(); // submitted, SUBMITTED report not delivered
        var slurmId = h.Scripted.IdFor(id);
        Assert.Single(h.Store.PendingReports(id));
        // Another process acting for this worker (e.g. Submit-SlurmJob) already reported further.
        using (var worker = h.NewWorkerClient())
        {
            await worker.TransitionAsync(id, new TransitionRequest { Status = JobStatus.Submitted, Detail = $"Slurm job {slurmId}", SlurmJobId = slurmId });
            await worker.TransitionAsync(id, new TransitionRequest { Status = JobStatus.Started, Detail = "seen running" });
        }
        h.Scripted.SetState(slurmId, "RUNNING");

        var report = await h.RunCycleAsync();

        Assert.Empty(report.Errors);
        Assert.Empty(h.Store.PendingReports());
        var sent = h.Sent.Where(r => r.Path == $"/api/hpc/jobs/{id}/transition" && r.Status is not 503).Select(r => r.Status).ToList();
        Assert.Equal([409, 200], sent); // SUBMITTED refused and acknowledged as superseded; STARTED accepted
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Started], h.Statuses(id));
        Assert.Single(h.Statuses(id), s => s == JobStatus.Submitted);
        Assert.StartsWith("slurm_state=RUNNING", h.Transitions(id)[^1].Detail); // same-state audit row with the scheduler detail
        Assert.Equal(LocalPhase.Running, h.Store.GetJob(id)!.Phase);
    }

    [Fact]
    public async Task A_409_for_a_report_the_server_already_applied_is_acknowledged()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        h.Scripted.SetStateOf(id, "RUNNING");
        // A proxy replays our STARTED report: the first copy is applied, ours meets a 409 (modelled by applying it
        // out of band and answering 409 without sending).
        var answered = false;
        h.Http.Respond(r =>
        {
            if (answered || r.RequestUri!.AbsolutePath != $"/api/hpc/jobs/{id}/transition") return null;
            answered = true;
            using var worker = h.NewWorkerClient();
            worker.TransitionAsync(id, new TransitionRequest { Status = JobStatus.Started, Detail = "applied by the first copy" }).GetAwaiter().GetResult();
            return RecordingHandler.Problem(HttpStatusCode.Conflict, $"Cannot transition job {id} from STARTED to STARTED");
        });

        var report = await h.RunCycleAsync();

        Assert.True(answered);
        Assert.Empty(report.Errors);
        Assert.Empty(h.Store.PendingReports());
        Assert.Equal((LocalPhase.Running, JobStatus.Started), (h.Store.GetJob(id)!.Phase, h.Store.GetJob(id)!.Emx2Status));
        Assert.Single(h.Statuses(id), s => s == JobStatus.Started);
        Assert.Contains(h.Sent, r => r.Method == "GET" && r.Path == $"/api/hpc/jobs/{id}"); // the server's view was read
    }

    [Fact]
    public async Task A_409_because_EMX2_ended_the_job_retires_it_and_cancels_the_scheduler_job()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.Scripted.SetState(slurmId, "RUNNING");
        // The user cancels in the instant between our reconciliation and our STARTED report.
        var raced = false;
        h.Http.Respond(r =>
        {
            if (!raced && r.RequestUri!.AbsolutePath == $"/api/hpc/jobs/{id}/transition")
            {
                raced = true;
                h.User.CancelJobAsync(id).GetAwaiter().GetResult();
            }
            return null;
        });

        var report = await h.RunCycleAsync();

        Assert.True(raced);
        Assert.Empty(report.Errors);
        Assert.Equal(409, h.Sent.Last(r => r.Path == $"/api/hpc/jobs/{id}/transition").Status);
        Assert.Equal([slurmId], h.Scripted.Cancelled);
        Assert.Null(h.Store.GetJob(id));
        Assert.Equal(JobStatus.Cancelled, h.Store.ListFinished().Single(f => f.JobId == id).FinalStatus);
        Assert.Empty(h.Store.PendingReports());
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Cancelled], h.Statuses(id));
    }

    [Fact]
    public async Task A_final_report_refused_because_EMX2_has_another_terminal_status_is_not_retried_forever()
    {
        await using var h = await Scripted(output);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.Scripted.SetState(slurmId, "RUNNING");
        await h.RunCycleAsync();
        h.WriteOutput(id, $"slurm-{slurmId}.out", "ok\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.Scripted.SetState(slurmId, "COMPLETED", "0:0");
        // Something else acting for this worker failed the job just before our COMPLETED arrives.
        var raced = false;
        h.Http.Respond(r =>
        {
            if (!raced && r.RequestUri!.AbsolutePath == $"/api/hpc/jobs/{id}/complete")
            {
                raced = true;
                using var worker = h.NewWorkerClient();
                worker.CompleteAsync(id, new TransitionRequest { Status = JobStatus.Failed, Detail = "timeout: failed elsewhere" }).GetAwaiter().GetResult();
            }
            return null;
        });

        await h.RunCycleAsync();
        await h.RunCycleAsync();
        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Failed, h.Job(id).Status);
        Assert.Equal("timeout: failed elsewhere", h.Transitions(id)[^1].Detail);
        Assert.Single(h.Sent, r => r.Path == $"/api/hpc/jobs/{id}/complete");
        Assert.Null(h.Store.GetJob(id));
        Assert.Equal(JobStatus.Failed, h.Store.ListFinished().Single(f => f.JobId == id).FinalStatus);
        Assert.Empty(h.Store.PendingReports());
        Assert.Empty(h.Scripted.Cancelled); // the scheduler job had ended anyway
    }
}
