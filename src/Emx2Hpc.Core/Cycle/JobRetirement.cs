using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Ends local tracking of a job: after EMX2 acknowledged our final report, or when EMX2 says the job
/// is no longer ours to run (cancelled, failed elsewhere, deleted, reassigned). In the second case the
/// scheduler job is cancelled first so no compute is left orphaned (the Python daemon forgot such jobs without scancel).</summary>
internal sealed class JobRetirement(CycleContext ctx, TaggedJobs tagged)
{
    public void Finish(string jobId, string finalStatus)
    {
        var job = ctx.Store.GetJob(jobId);
        var output = ctx.Store.GetUpload(jobId, ArtifactRole.Output)?.ArtifactId;
        var log = ctx.Store.GetUpload(jobId, ArtifactRole.Log)?.ArtifactId;
        // Posix results live under staging.posix_output_root (recorded in posix_outputs), so the job directory goes with
        // normal retention. Only a posix artifact published before that root existed points into the job's output
        // directory; EMX2 keeps pointing there, so such a directory is never removed.
        var published = new[] { ctx.Store.GetUpload(jobId, ArtifactRole.Output), ctx.Store.GetUpload(jobId, ArtifactRole.Log) };
        var keep = published.Any(u => u?.Residence == Protocol.ArtifactResidence.Posix && u.ArtifactId is not null)
                   && ctx.Store.GetPosixOutput(jobId) is null or { State: PosixOutputState.Moving };
        ctx.Store.InTransaction(tx =>
        {
            tx.Remove(jobId);
            tx.RecordFinished(jobId, finalStatus, job?.SchedulerJobId, output, log);
            if (!keep) tx.ReleaseWorkspace(jobId, ctx.Now); // its directory is kept for worker.job_retention_hours, then removed
        });
    }

    public async Task RetireAsync(string jobId, string serverStatus, bool cancelScheduler, CancellationToken ct)
    {
        if (cancelScheduler && ctx.Store.GetJob(jobId) is { } job) await CancelOnSchedulerAsync(job, $"EMX2 status {serverStatus}", ct);
        ctx.Store.DropReports(jobId);
        Finish(jobId, serverStatus);
    }

    /// <summary>Cancels whatever the scheduler runs for a job: its recorded id and, while the job was mid-submission
    /// (sbatch may have succeeded without us learning the id), every job carrying its tag. Nothing once the job is
    /// Finishing or Done: the scheduler side has ended. Throws when the scheduler is unreachable, so the caller
    /// leaves the job tracked and tries again next cycle.</summary>
    public async Task CancelOnSchedulerAsync(TrackedJob job, string why, CancellationToken ct)
    {
        if (job.Phase is LocalPhase.Finishing or LocalPhase.Done) return;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (job.SchedulerJobId is not null) ids.Add(job.SchedulerJobId);
        if (job.Phase == LocalPhase.Submitting)
            foreach (var t in await tagged.ForJobAsync(job.JobId, ct)) ids.Add(t.SchedulerJobId);
        foreach (var id in ids)
        {
            await ctx.Scheduler.CancelAsync(id, ct);
            // scancel is idempotent and leaves nothing to record but the fact; a crash before this line repeats it.
            ctx.Store.InTransaction(tx => ctx.Audit.Record(tx, Audit.AuditEvents.Cancelled, job with { SchedulerJobId = id },
                new Dictionary<string, object?> { ["reason"] = why }));
            ctx.Log.Info($"cancelled scheduler job {id} of job {job.JobId} ({why})", ("job_id", job.JobId), ("slurm_job_id", id));
        }
    }
}
