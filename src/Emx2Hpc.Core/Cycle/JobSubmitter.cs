using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.FileSystem;
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
/// never gets two scheduler jobs (it is tagged and its scheduler id recorded before anything is reported).</summary>
internal sealed class JobSubmitter(CycleContext ctx, IJobWorkspace workspace, TaggedJobs tagged, JobFinisher finisher)
{
    public async Task<int> SubmitPendingAsync(CancellationToken ct)
    {
        var submitted = 0;
        var pending = ctx.Store.ListJobs().Where(j => j.Phase is LocalPhase.Claimed or LocalPhase.Submitting).ToList();
        if (pending.Count == 0) return 0;
        // Checked every cycle, not once: whoever can write the jobs root can plant links in job directories.
        if (JobsRoot.Ensure(ctx.JobsRoot) is { } unsafeRoot)
            throw new IOException($"not staging {pending.Count} claimed jobs: {unsafeRoot}");
        foreach (var job in pending)
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

        var claimed = job.Claim?.Job ?? new JobDto();
        var profile = ctx.Placement.Profile(job);
        if (profile is null)
        {
            finisher.Decide(job, JobStatus.Failed, $"no profile configured for {JobPlacement.ProfileKey(job.Processor, job.Profile)}", collectOutputs: false);
            return false;
        }

        var dirs = ctx.Placement.Directories(job);
        BatchJobSpec spec;
        StagedInputs staged;
        string script;
        try
        {
            staged = await workspace.PrepareAsync(job.JobId, claimed.Inputs, dirs, ct);
            spec = SpecBuilder.Build(ctx.Config, profile, job.JobId, dirs, JobParameters.Parse(claimed.Parameters));
            // Every scheduler builds this script; building it here (pure, no I/O) means a job that cannot be placed in
            // one safely is FAILED with the reason before the write-ahead mark, and the scheduler is never called.
            script = BatchScriptBuilder.Build(spec);
        }
        catch (Exception ex) when (ex is StagingException or SchedulerException or UnauthorizedAccessException or JobWorkspaceException)
        {
            // Reasons are a small fixed set (they become a metric label); the message says exactly what was wrong.
            var reason = ex switch { StagingException => "unsafe_input", SchedulerException => "unsafe_job_value", _ => "permission" };
            finisher.Decide(job, JobStatus.Failed, ex.Message, collectOutputs: false, Audit.AuditEvents.InputRefused, new Dictionary<string, object?> { ["reason"] = reason });
            return false;
        }

        var submitting = JobLifecycle.BeginSubmit(job, ctx.Now, ctx.Scheduler.Name);
        var managedBytes = ManagedBytes(staged);
        job = ctx.Jobs.Advance(job, submitting, tx =>
        {
            if (managedBytes > 0) tx.AddCounter(Metrics.PersistedCounters.BytesDownloaded.Name, [], managedBytes);
            // Staging is complete once the write-ahead mark is set; a crash before this restages (and re-records) it.
            ctx.Audit.Record(tx, Audit.AuditEvents.Staged, submitting, new Dictionary<string, object?>
            {
                ["inputs"] = staged.Items.Select(i => new Dictionary<string, object?>
                    { ["artifact_id"] = i.ArtifactId, ["name"] = i.Name, ["residence"] = i.Residence, ["sha256"] = i.Sha256 }).ToList(),
                ["downloaded_bytes"] = managedBytes,
            });
        });
        string schedulerId;
        try
        {
            schedulerId = await ctx.Scheduler.SubmitAsync(spec, ct);
        }
        catch (SubmissionDeferredException ex)
        {
            // Nothing was created (a drained partition refuses new jobs): back to Claimed, so the next cycle submits
            // again without the settle time meant for answers that were lost. The submission timeout still bounds
            // how long a job can wait here; other jobs (perhaps for other partitions) go on this cycle.
            ctx.Jobs.Advance(job, JobLifecycle.BackToClaimed(job));
            ctx.Log.Warn($"job {job.JobId} not submitted yet: {ex.Message}; trying again next cycle", ("job_id", job.JobId));
            return false;
        }
        catch (SchedulerException ex) when (ex is not SchedulerUnavailableException)
        {
            finisher.Decide(job, JobStatus.Failed, $"submission refused by {ctx.Scheduler.Name}: {ex.Message}", collectOutputs: false);
            return false;
        }
        RecordSubmitted(job, schedulerId, recovered: false, spec, script);
        return true;
    }

    /// <summary>Bytes of the managed inputs now in the job directory (written by this worker, links not followed).</summary>
    private static long ManagedBytes(StagedInputs staged) => staged.Items
        .Where(i => i.Residence == Protocol.ArtifactResidence.Managed && Directory.Exists(i.LocalPath))
        .SelectMany(i => new DirectoryInfo(i.LocalPath).EnumerateFiles("*",
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
        .Sum(f => f.Length);

    private void RecordSubmitted(TrackedJob job, string schedulerId, bool recovered, BatchJobSpec? spec = null, string? script = null)
    {
        var submitted = JobLifecycle.Submitted(job, schedulerId, ctx.Scheduler.Name);
        var report = Reports.Transition(ctx, JobStatus.Submitted, $"Slurm job {schedulerId}{(recovered ? " (recovered after restart)" : "")}", schedulerId);
        // One event per sbatch: a submission found by its tag after a crash is recorded now, by the run that learns of it.
        ctx.Jobs.Advance(job, submitted, report, tx => ctx.Audit.Record(tx, Audit.AuditEvents.Submitted, submitted, new Dictionary<string, object?>
        {
            ["scheduler"] = ctx.Scheduler.Name, ["partition"] = spec?.Resources.Partition, ["account"] = spec?.Resources.Account,
            ["batch_script_sha256"] = script is null ? null : Protocol.Hex.Lower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script))),
            ["recovered_after_restart"] = recovered,
        }));
        ctx.Log.Info($"submitted job {job.JobId} as {ctx.Scheduler.Name} job {schedulerId}", ("job_id", job.JobId), ("slurm_job_id", schedulerId));
    }
}
