using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Looks at every submitted job with one batched scheduler query (not one squeue/sacct call per job) and turns what it sees into
/// local phase changes plus queued reports. An unreachable scheduler changes nothing (a restarting slurmctld
/// must not fail jobs); a job missing from both squeue and sacct gets a grace period, never success.</summary>
internal sealed class JobMonitor(CycleContext ctx, ProgressRelay progress, JobFinisher finisher)
{
    public async Task MonitorAsync(CancellationToken ct)
    {
        var active = ctx.Store.ListJobs().Where(j => j.Phase is LocalPhase.Submitted or LocalPhase.Running && j.SchedulerJobId is not null).ToList();
        if (active.Count == 0) return;
        IReadOnlyDictionary<string, SchedulerJobInfo> snapshot;
        try
        {
            snapshot = await ctx.Scheduler.QueryAsync(active.Select(j => j.SchedulerJobId!).ToList(), ct);
        }
        catch (SchedulerUnavailableException ex)
        {
            ctx.Log.Warn($"scheduler unavailable, job states unchanged this cycle: {ex.Message}");
            return;
        }
        foreach (var job in active)
        {
            if (snapshot.TryGetValue(job.SchedulerJobId!, out var info)) Observe(job, info);
            else Missing(job);
        }
    }

    private void Missing(TrackedJob job)
    {
        var since = job.UnknownSinceUtc ?? ctx.Now;
        if (job.UnknownSinceUtc is null)
        {
            ctx.Jobs.Advance(job, job with { UnknownSinceUtc = since });
            ctx.Log.Warn($"scheduler job {job.SchedulerJobId} of job {job.JobId} is in neither the queue nor accounting; waiting {ctx.UnknownGrace.TotalSeconds:0} s",
                ("job_id", job.JobId), ("slurm_job_id", job.SchedulerJobId));
        }
        else if (ctx.Now - since > ctx.UnknownGrace)
        {
            finisher.Decide(job, JobStatus.Failed,
                $"scheduler job {job.SchedulerJobId} not visible in squeue or sacct after {ctx.UnknownGrace.TotalSeconds:0}s grace", collectOutputs: true);
        }
    }

    private void Observe(TrackedJob job, SchedulerJobInfo info)
    {
        // Seen again: a pending grace period ends. Written only when it changes — an unchanged running job
        // costs no write (and no fsync) per pass.
        if (job.UnknownSinceUtc is not null)
        {
            job = ctx.Jobs.Advance(job, job with { UnknownSinceUtc = null });
        }
        switch (info.State)
        {
            case SchedulerState.Queued when job.Emx2Status == JobStatus.Started:
                // It ran and is waiting again: Slurm requeued it (its node failed, it was preempted or an admin
                // requeued it). Seen on a real cluster as NODE_FAIL in accounting and PENDING (reason BeginTime)
                // in squeue under the same job id. Not a failure and EMX2 has no edge back to SUBMITTED, so the job
                // stays STARTED, EMX2 hears once why nothing runs now, and the rerun is followed to its end.
                NotableReport(job, info with { Notable = true }, "requeued after it started");
                break;
            case SchedulerState.Queued:
                NotableReport(job, info);
                break;
            case SchedulerState.Running:
                if (job.Emx2Status == JobStatus.Submitted) job = Started(job, info.Detail);
                // The relay writes the row again: it must start from the one the notable report wrote, or it would
                // put the old notable state back and the same state would be reported again next pass.
                job = NotableReport(job, info);
                progress.Relay(job);
                break;
            default:
                // Fast jobs finish between two passes: EMX2 needs STARTED before COMPLETED/FAILED (not before
                // CANCELLED, which SUBMITTED may reach directly).
                if (job.Emx2Status == JobStatus.Submitted && info.State != SchedulerState.Cancelled)
                    job = Started(job, $"slurm_state={info.RawState} (fast job, retroactive STARTED)");
                if (job.Emx2Status == JobStatus.Started) job = progress.Relay(job);
                var status = info.State switch
                {
                    SchedulerState.Completed => JobStatus.Completed,
                    SchedulerState.Cancelled => JobStatus.Cancelled,
                    _ => JobStatus.Failed,
                };
                var detail = info.Usage is null ? info.Detail : $"{info.Detail}; {info.Usage.Compact()}";
                finisher.Decide(job, status, detail, collectOutputs: true, usage: info.Usage);
                break;
        }
    }

    private TrackedJob Started(TrackedJob job, string detail)
    {
        var next = ctx.Jobs.Advance(job, JobLifecycle.Started(job), Reports.Transition(ctx, JobStatus.Started, detail, job.SchedulerJobId));
        ctx.Log.Info($"job {job.JobId} started ({detail})", ("job_id", job.JobId), ("slurm_job_id", job.SchedulerJobId));
        return next;
    }

    /// <summary>SUSPENDED, REQUEUED, PREEMPTED and friends are worth telling EMX2 about even though the status
    /// does not change: once per new state, then at most once per queue_report_interval_seconds.</summary>
    /// <returns>The row as it now stands in SQLite.</returns>
    private TrackedJob NotableReport(TrackedJob job, SchedulerJobInfo info, string? note = null)
    {
        if (!info.Notable) return job;
        var interval = TimeSpan.FromSeconds(ctx.Config.Worker.QueueReportIntervalSeconds);
        var changed = job.LastNotableState != info.RawState;
        var due = job.LastNotableReportUtc is null || (interval > TimeSpan.Zero && ctx.Now - job.LastNotableReportUtc >= interval);
        if (!changed && !due) return job;
        return ctx.Jobs.Advance(job, job with { LastNotableState = info.RawState, LastNotableReportUtc = ctx.Now },
            Reports.Transition(ctx, job.Emx2Status, note is null ? info.Detail : $"{info.Detail}; {note}"));
    }
}
