using System.Text.Json;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Stages inputs and hands claimed jobs to the scheduler. The write-ahead mark (phase Submitting) is
/// committed before the scheduler is called; a job found in that phase after a crash is looked up by its tag
/// and adopted, and only resubmitted once the settle time has passed with no trace of it — so one EMX2 job
/// never gets two scheduler jobs (gap 14).</summary>
internal sealed class JobSubmitter(CycleContext ctx, IJobWorkspace workspace, TaggedJobs tagged, JobFinisher finisher)
{
    public async Task<int> SubmitPendingAsync(CancellationToken ct)
    {
        var submitted = 0;
        foreach (var job in ctx.Store.ListJobs().Where(j => j.Phase is LocalPhase.Claimed or LocalPhase.Submitting))
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                if (await SubmitAsync(job, ct)) submitted++;
            }
            catch (SchedulerUnavailableException ex)
            {
                ctx.Log.Warn($"scheduler unavailable while submitting job {job.JobId}: {ex.Message}; will look for it by tag next cycle", ("job_id", job.JobId));
                break; // the next job would hit the same wall
            }
            catch (Emx2NotFoundException ex)
            {
                finisher.Decide(job, JobStatus.Failed, $"input not available: {ex.Detail ?? ex.Message}", collectOutputs: false);
            }
            catch (Exception ex) when (ex is Emx2ApiException or HttpRequestException or IOException)
            {
                // Transient (EMX2 down mid-download, disk hiccup): staging resumes next cycle; the submission
                // timeout bounds how long a job can stay here.
                ctx.Log.Warn($"staging job {job.JobId} interrupted: {ex.Message}; retrying next cycle", ("job_id", job.JobId));
            }
        }
        return submitted;
    }

    /// <summary>Submits one tracked job now (Submit-SlurmJob). Scheduler and EMX2 errors surface to the caller.</summary>
    public Task<bool> SubmitOneAsync(TrackedJob job, CancellationToken ct) => SubmitAsync(job, ct);

    private async Task<bool> SubmitAsync(TrackedJob job, CancellationToken ct)
    {
        if (job.Phase == LocalPhase.Submitting)
        {
            var found = (await tagged.ForJobAsync(job.JobId, ct)).FirstOrDefault();
            if (found is not null)
            {
                RecordSubmitted(job, found.SchedulerJobId, recovered: true);
                return true;
            }
            if (job.SubmittingSinceUtc is { } since && ctx.Now - since < ctx.SubmitSettleTime) return false;
            ctx.Log.Warn($"job {job.JobId} was being submitted when the previous run stopped and the scheduler has no trace of it; submitting again", ("job_id", job.JobId));
        }

        var claimed = JsonSerializer.Deserialize<JobDto>(job.JobJson ?? "{}", JsonDefaults.Options)!;
        var profile = ctx.Config.FindProfile(claimed.Processor ?? "", claimed.Profile);
        if (profile is null)
        {
            finisher.Decide(job, JobStatus.Failed, $"no profile configured for {claimed.Processor}:{claimed.Profile ?? "default"}", collectOutputs: false);
            return false;
        }

        var dirs = JobDirectories.For(ctx.JobsRoot, job.JobId);
        BatchJobSpec spec;
        try
        {
            await workspace.PrepareAsync(job.JobId, claimed.Inputs, dirs, ct);
            spec = SpecBuilder.Build(ctx.Config, profile, job.JobId, dirs, JobParameters.Parse(claimed.Parameters));
            // Every scheduler builds this script; building it here (pure, no I/O) means a job that cannot be placed in
            // one safely is FAILED with the reason before the write-ahead mark, and the scheduler is never called.
            BatchScriptBuilder.Build(spec);
        }
        catch (Exception ex) when (ex is StagingException or SchedulerException or UnauthorizedAccessException)
        {
            finisher.Decide(job, JobStatus.Failed, ex.Message, collectOutputs: false);
            return false;
        }

        job = job with { Phase = LocalPhase.Submitting, SubmittingSinceUtc = ctx.Now, SubmitAttempts = job.SubmitAttempts + 1, SchedulerName = ctx.Scheduler.Name };
        ctx.Store.Upsert(job);
        string schedulerId;
        try
        {
            schedulerId = await ctx.Scheduler.SubmitAsync(spec, ct);
        }
        catch (SchedulerException ex) when (ex is not SchedulerUnavailableException)
        {
            finisher.Decide(job, JobStatus.Failed, $"submission refused by {ctx.Scheduler.Name}: {ex.Message}", collectOutputs: false);
            return false;
        }
        RecordSubmitted(job, schedulerId, recovered: false);
        return true;
    }

    private void RecordSubmitted(TrackedJob job, string schedulerId, bool recovered)
    {
        ctx.Store.InTransaction(tx =>
        {
            tx.Upsert(job with
            {
                Phase = LocalPhase.Submitted, SchedulerJobId = schedulerId, SchedulerName = ctx.Scheduler.Name,
                Emx2Status = JobStatus.Submitted, SubmittingSinceUtc = null,
            });
            Reports.Enqueue(tx, job.JobId, ReportKind.Transition,
                Reports.Transition(ctx, JobStatus.Submitted, $"Slurm job {schedulerId}{(recovered ? " (recovered after restart)" : "")}", schedulerId));
        });
        ctx.Log.Info($"submitted job {job.JobId} as {ctx.Scheduler.Name} job {schedulerId}", ("job_id", job.JobId), ("slurm_job_id", schedulerId));
    }
}
