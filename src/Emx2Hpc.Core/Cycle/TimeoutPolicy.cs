using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Per-job timeout_seconds, measured from EMX2's claimed_at (not from when this worker started
/// tracking, as the Python daemon did), and the per-profile submission timeout for jobs stuck before the scheduler. Runs after
/// the monitor so a job that just finished is reported as finished, not timed out.</summary>
internal sealed class TimeoutPolicy(CycleContext ctx, JobFinisher finisher, JobRetirement retirement)
{
    public async Task EnforceAsync(CancellationToken ct)
    {
        foreach (var job in ctx.Store.ListJobs())
        {
            if (job.Phase is LocalPhase.Finishing or LocalPhase.Done || job.ClaimedAtUtc is not { } claimedAt) continue;
            var elapsed = ctx.Now - claimedAt;
            if (job.TimeoutSeconds is > 0 and var limit && elapsed.TotalSeconds > limit)
            {
                await retirement.CancelOnSchedulerAsync(job, "timeout", ct);
                finisher.Decide(job, JobStatus.Failed,
                    $"timeout: job timeout_seconds ({limit}s) exceeded after {elapsed.TotalSeconds:0}s", collectOutputs: job.SchedulerJobId is not null,
                    Audit.AuditEvents.TimedOut, new Dictionary<string, object?> { ["limit"] = "timeout_seconds" });
            }
            else if (job.Phase is LocalPhase.Claimed or LocalPhase.Submitting &&
                     job.SubmissionTimeoutSeconds is > 0 and var subLimit && elapsed.TotalSeconds > subLimit)
            {
                await retirement.CancelOnSchedulerAsync(job, "timeout", ct);
                finisher.Decide(job, JobStatus.Failed,
                    $"timeout: submission_timeout_seconds ({subLimit}s) exceeded for profile {job.Processor}:{job.Profile ?? "default"}", collectOutputs: false,
                    Audit.AuditEvents.TimedOut, new Dictionary<string, object?> { ["limit"] = "submission_timeout_seconds" });
            }
        }
    }
}
