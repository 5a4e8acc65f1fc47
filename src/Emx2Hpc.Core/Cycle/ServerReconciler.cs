using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>EMX2 is the system of record. Every cycle this compares the jobs EMX2 says this worker holds with
/// the local rows: jobs EMX2 ended or took away are retired (and their scheduler jobs cancelled); jobs EMX2 says
/// are ours but we do not track — a crash between claim and write, or a lost state database — are adopted,
/// using the scheduler's tagged jobs to find what already runs (the full job is re-read, so inputs,
/// parameters and submit_user are not lost).</summary>
internal sealed class ServerReconciler(CycleContext ctx, JobRetirement retirement, TaggedJobs tagged)
{
    private bool _strayCheckDone;

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var ours = new Dictionary<string, JobDto>(StringComparer.Ordinal);
        foreach (var status in JobStatus.InFlight)
            foreach (var job in await ctx.Client.ListAllJobsAsync(new JobQuery { Status = status }, ct))
            {
                if (job.WorkerId != ctx.WorkerId) continue;
                // Job ids name local directories: adopting "../../x" would create and write them outside the jobs root.
                if (!Guid.TryParseExact(job.Id, "D", out _))
                {
                    ctx.Log.Error($"EMX2 lists a job of this worker whose id is not a UUID ('{PathSafety.Describe(job.Id, 80)}'); ignoring it");
                    continue;
                }
                ours[job.Id] = job;
            }

        // Before anything is retired or adopted: jobs this database did not claim or submit mean a second instance.
        new ForeignInstanceCheck(ctx).Check(ours.Values);

        foreach (var local in ctx.Store.ListJobs())
            if (!ours.ContainsKey(local.JobId)) await CheckVanishedAsync(local, ct);

        foreach (var job in ours.Values)
            if (ctx.Store.GetJob(job.Id) is null && !ctx.Store.IsFinished(job.Id)) await AdoptAsync(job, ours.Values, ct);

        if (ctx.Store.WasRecreated && !_strayCheckDone)
        {
            await CancelStrayTaggedJobsAsync(ours, ct);
            _strayCheckDone = true;
        }
    }

    /// <summary>A tracked job EMX2 no longer lists as ours in flight.</summary>
    private async Task CheckVanishedAsync(TrackedJob local, CancellationToken ct)
    {
        JobDto? server;
        try { server = await ctx.Client.GetJobAsync(local.JobId, ct); }
        catch (Emx2NotFoundException) { server = null; }

        var fields = ("job_id", (object?)local.JobId);
        if (server is not null && server.WorkerId == ctx.WorkerId && !JobStatus.IsTerminal(server.Status))
            return; // listed a moment ago under another status page: still ours
        if (server is not null && local.Phase == LocalPhase.Done && server.Status == local.TerminalStatus)
        {
            // Our final report landed but its acknowledgement was lost (crash or dropped response): it counts as
            // reported now, so the audit trail gets the event the lost acknowledgement would have written.
            var pending = ctx.Store.PendingReports(local.JobId);
            ctx.Store.InTransaction(tx =>
            {
                foreach (var entry in pending) tx.Acknowledge(entry.Sequence);
                if (pending.LastOrDefault(e => e.Kind == ReportKind.Complete) is { } final)
                    ctx.Audit.Record(tx, Audit.AuditEvents.Reported, local, new Dictionary<string, object?>
                    {
                        ["status"] = final.TargetStatus, ["kind"] = "complete", ["attempts"] = final.Attempts + 1, ["final"] = true,
                        ["report_seq"] = final.Sequence, ["acknowledged_by"] = "reconcile",
                    });
            });
            retirement.Finish(local.JobId, server.Status);
            return;
        }
        var status = server?.Status ?? "DELETED";
        ctx.Log.Warn(server?.Status == JobStatus.Cancelled
            ? $"job {local.JobId} was cancelled in EMX2; cancelling it on the cluster"
            : $"job {local.JobId} is {status} in EMX2 (worker {server?.WorkerId ?? "none"}); stopping local work on it", fields);
        await retirement.RetireAsync(local.JobId, status, cancelScheduler: true, ct);
    }

    private async Task AdoptAsync(JobDto job, IReadOnlyCollection<JobDto> held, CancellationToken ct)
    {
        var own = await tagged.ForJobAsync(job.Id, ct);
        var running = own.FirstOrDefault(t => t.State is SchedulerState.Queued or SchedulerState.Running) ?? own.FirstOrDefault();
        var schedulerId = running?.SchedulerJobId;
        if (schedulerId is null)
        {
            // Submitted by the Python emx2-hpc-daemon this worker replaces: its job names carry 8 characters of the id.
            var legacy = LegacyJobMatcher.Find(job, held, await tagged.AllAsync(ct));
            if (legacy.Ambiguity is not null)
            {
                ctx.Log.Error($"not adopting job {job.Id}: {legacy.Ambiguity}; cancel the wrong one with scancel or fail the job in EMX2", null,
                    ("job_id", job.Id));
                return;
            }
            if (legacy.Job is not null)
                ctx.Log.Warn($"job {job.Id} runs as scheduler job {legacy.Job.SchedulerJobId}, submitted by the Python emx2-hpc-daemon " +
                             $"(job name {JobTag.LegacyJobName(job.Id)}); adopting it", ("job_id", job.Id), ("slurm_job_id", legacy.Job.SchedulerJobId));
            schedulerId = legacy.Job?.SchedulerJobId ?? job.SlurmJobId;
        }
        var row = JobLifecycle.Adopt(new TrackedJob
        {
            JobId = job.Id, Processor = job.Processor, Profile = job.Profile, Emx2Status = job.Status,
            SchedulerName = schedulerId is null ? null : ctx.Scheduler.Name, SchedulerJobId = schedulerId,
            ClaimedAtUtc = ctx.Client.ServerClock.ToUtc(job.ClaimedAt) ?? ctx.Now,
            TimeoutSeconds = job.TimeoutSeconds, SubmissionTimeoutSeconds = ctx.Placement.Profile(job)?.SubmissionTimeoutSeconds,
            Claim = ClaimedJob.Of(job),
            WorkDir = ctx.Placement.Directories(job.Id).Root,
        }, job.Status, schedulerId);
        // EMX2 still says CLAIMED although the scheduler has the job: the SUBMITTED report was lost, and is queued with the row.
        var lostSubmitted = job.Status == JobStatus.Claimed && schedulerId is not null;
        ctx.Jobs.Advance(null, lostSubmitted ? row with { Emx2Status = JobStatus.Submitted } : row,
            lostSubmitted ? Reports.Transition(ctx, JobStatus.Submitted, $"Slurm job {schedulerId} (recovered)", schedulerId) : null,
            tx => ctx.Audit.Record(tx, Audit.AuditEvents.Adopted, row,
                new Dictionary<string, object?> { ["emx2_status"] = job.Status, ["phase"] = JobLifecycle.Name(row.Phase) }));
        ctx.Log.Warn($"adopted job {job.Id} from EMX2 (status {job.Status}, scheduler job {schedulerId ?? "none"})",
            ("job_id", job.Id), ("slurm_job_id", schedulerId));
    }

    /// <summary>After local state was lost, tagged scheduler jobs whose EMX2 job this worker ran and EMX2 has since
    /// ended are leftovers: cancel the ones still queued or running. The tag only names the EMX2 job, and the
    /// scheduler account may be shared (another worker, another EMX2 server, a test run), so a job is cancelled
    /// only when EMX2 confirms it was assigned to this worker; a job EMX2 does not know is left alone.</summary>
    private async Task CancelStrayTaggedJobsAsync(Dictionary<string, JobDto> ours, CancellationToken ct)
    {
        foreach (var t in await tagged.AllAsync(ct))
        {
            if (t.Emx2JobId is null || ours.ContainsKey(t.Emx2JobId) || t.State is not (SchedulerState.Queued or SchedulerState.Running)) continue;
            JobDto? server;
            try { server = await ctx.Client.GetJobAsync(t.Emx2JobId, ct); }
            catch (Emx2NotFoundException) { server = null; }
            var fields = new (string, object?)[] { ("job_id", t.Emx2JobId), ("slurm_job_id", t.SchedulerJobId) };
            if (server?.WorkerId != ctx.WorkerId || !JobStatus.IsTerminal(server.Status))
            {
                ctx.Log.Debug($"leaving scheduler job {t.SchedulerJobId} alone: EMX2 job {t.Emx2JobId} is " +
                              (server is null ? "unknown to this EMX2" : $"{server.Status} for worker {server.WorkerId ?? "none"}"), fields);
                continue;
            }
            ctx.Log.Warn($"cancelling stray scheduler job {t.SchedulerJobId}: EMX2 job {t.Emx2JobId} of this worker is already {server.Status}", fields);
            await ctx.Scheduler.CancelAsync(t.SchedulerJobId, ct);
            ctx.Store.InTransaction(tx => ctx.Audit.Record(tx, Audit.AuditEvents.Cancelled, new TrackedJob { JobId = t.Emx2JobId, SchedulerJobId = t.SchedulerJobId },
                new Dictionary<string, object?> { ["reason"] = $"stray job: EMX2 has it {server.Status}" }));
        }
    }
}
