using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Ends local tracking of a job: after EMX2 acknowledged our final report, or when EMX2 says the job
/// is no longer ours to run (cancelled, failed elsewhere, deleted, reassigned). In the second case the
/// scheduler job is cancelled first so no compute is left orphaned (gap 14).</summary>
internal sealed class JobRetirement(CycleContext ctx)
{
    public void Finish(string jobId, string finalStatus)
    {
        var job = ctx.Store.GetJob(jobId);
        var output = ctx.Store.GetUpload(jobId, ArtifactRole.Output)?.ArtifactId;
        var log = ctx.Store.GetUpload(jobId, ArtifactRole.Log)?.ArtifactId;
        ctx.Store.InTransaction(tx =>
        {
            tx.Remove(jobId);
            tx.RecordFinished(jobId, finalStatus, job?.SchedulerJobId, output, log);
        });
    }

    public async Task RetireAsync(string jobId, string serverStatus, bool cancelScheduler, CancellationToken ct)
    {
        var job = ctx.Store.GetJob(jobId);
        if (cancelScheduler && job?.SchedulerJobId is { } schedulerId && job.Phase is LocalPhase.Submitted or LocalPhase.Running or LocalPhase.Submitting)
        {
            // Throws when the scheduler is unreachable: the job stays tracked and is retried next cycle.
            await ctx.Scheduler.CancelAsync(schedulerId, ct);
            ctx.Log.Info($"cancelled scheduler job {schedulerId} of job {jobId} (EMX2 status {serverStatus})", ("job_id", jobId), ("slurm_job_id", schedulerId));
        }
        ctx.Store.DropReports(jobId);
        Finish(jobId, serverStatus);
    }
}
