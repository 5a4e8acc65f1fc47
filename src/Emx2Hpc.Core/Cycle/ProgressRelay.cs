using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Relays the newest line of a running job's .hpc_progress.jsonl as a STARTED→STARTED report, only
/// when it changed. The read offset and fingerprint are stored with the job, so cron runs do not re-post the
/// same line every cycle (as the Python daemon did in cron mode, having nothing persisted to compare with).</summary>
internal sealed class ProgressRelay(CycleContext ctx)
{
    public TrackedJob Relay(TrackedJob job)
    {
        if (job.Emx2Status != JobStatus.Started) return job;
        var dirs = ctx.Placement.Directories(job);
        ProgressReadResult read;
        try
        {
            read = ProgressReader.Read(dirs, job.ProgressOffset);
        }
        catch (IOException ex)
        {
            ctx.Log.Debug($"progress file of job {job.JobId} unreadable: {ex.Message}", ("job_id", job.JobId));
            return job;
        }
        var next = job with { ProgressOffset = read.Offset };
        var update = read.Update;
        if (update is null || update.Fingerprint == job.ProgressFingerprint)
        {
            if (next.ProgressOffset != job.ProgressOffset) ctx.Jobs.Advance(job, next);
            return next;
        }
        next = next with { ProgressFingerprint = update.Fingerprint };
        return ctx.Jobs.Advance(job, next, Reports.Transition(ctx, JobStatus.Started, update.Detail) with
        {
            Phase = update.Phase, Message = update.Message, Progress = update.Progress,
        });
    }
}
