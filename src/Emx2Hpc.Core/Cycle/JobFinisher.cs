using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling.Usage;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Completion in checkpointed phases: decide the outcome (phase Finishing, persisted), publish the log
/// artifact, publish the output artifact (COMPLETED only), then queue /complete with both ids (phase Done).
/// Each publish resumes from what the store recorded, so a restart anywhere repeats no upload and creates no
/// second artifact. A job is never reported COMPLETED without its committed output (the Python daemon swallowed upload failures and completed jobs without output): a transient
/// failure is retried next cycle, a permanent one turns the outcome into FAILED with the reason.</summary>
internal sealed class JobFinisher(CycleContext ctx, ArtifactPublisher publisher, IJobWorkspace workspace)
{
    /// <summary>Local failures (unreadable files, a collection over its time budget) tolerated before the job is
    /// reported FAILED without its results: a failure that repeats on every cycle must not keep a job in flight
    /// forever. EMX2 being unreachable does not count (nothing can be reported then anyway).</summary>
    public const int MaxFinishAttempts = 5;

    /// <summary>Records the terminal outcome; the files are collected by <see cref="FinishAsync"/>.</summary>
    /// <param name="auditEvent">The side effect that decided it (input refused, timed out), recorded with the outcome.</param>
    /// <param name="usage">The scheduler's accounting of the finished job, stored (and counted, and audited) with the outcome.</param>
    public void Decide(TrackedJob job, string status, string detail, bool collectOutputs,
        string? auditEvent = null, IReadOnlyDictionary<string, object?>? auditData = null, JobUsage? usage = null)
    {
        var decided = JobLifecycle.Finish(job, status, detail, collectOutputs);
        ctx.Jobs.Advance(job, decided, tx =>
        {
            if (usage is not null)
            {
                tx.SaveUsage(job.JobId, usage);
                ctx.Audit.RecordUsage(tx, decided, usage);
            }
            if (auditEvent is not null)
                ctx.Audit.Record(tx, auditEvent, decided, new Dictionary<string, object?>(auditData ?? new Dictionary<string, object?>()) { ["detail"] = detail });
        });
        ctx.Log.Info($"job {job.JobId} finished as {status}: {detail}", ("job_id", job.JobId), ("slurm_job_id", job.SchedulerJobId), ("status", status));
    }

    public async Task<int> FinishAsync(CancellationToken ct)
    {
        var finished = 0;
        foreach (var job in ctx.Store.ListJobs().Where(j => j.Phase == LocalPhase.Finishing))
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                await FinishOneAsync(job, ct);
                finished++;
            }
            catch (Exception ex) when (IsTransient(ex) && !ct.IsCancellationRequested)
            {
                if (IsRemote(ex))
                {
                    ctx.Log.Warn($"publishing results of job {job.JobId} interrupted: {ex.Message}; resuming next cycle", ("job_id", job.JobId));
                    continue;
                }
                var message = ex is OperationCanceledException
                    ? $"collecting results took longer than worker.step_timeout_seconds ({ctx.Config.Worker.StepTimeoutSeconds}s)"
                    : ex.Message;
                var attempts = ctx.Store.RecordFinishFailure(job.JobId, ctx.Placement.Directories(job).Root, message);
                if (attempts < MaxFinishAttempts)
                {
                    ctx.Log.Warn($"publishing results of job {job.JobId} failed ({attempts}/{MaxFinishAttempts}): {message}; retrying next cycle", ("job_id", job.JobId));
                    continue;
                }
                ctx.Log.Error($"results of job {job.JobId} failed {attempts} times; reporting FAILED without them", null, ("job_id", job.JobId));
                GiveUp(job, $"results could not be collected after {attempts} attempts: {message}");
                finished++;
            }
        }
        return finished;
    }

    private async Task FinishOneAsync(TrackedJob job, CancellationToken cycle)
    {
        // A job's results get a bounded share of the cycle: a huge or hostile output directory cannot hold the
        // cycle lock for hours; what is cut off is retried (and, repeatedly, reported FAILED) like any failure.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cycle);
        budget.CancelAfter(TimeSpan.FromSeconds(ctx.Config.Worker.StepTimeoutSeconds));
        var ct = budget.Token;
        var status = job.TerminalStatus ?? JobStatus.Failed;
        var detail = job.TerminalDetail ?? "";
        string? logId = null, outputId = null;
        var dirs = ctx.Placement.Directories(job);
        if (status == JobStatus.Completed && !Directory.Exists(dirs.Output))
        {
            // Typically a job adopted from another daemon (or another jobs root): its results are somewhere else, and
            // COMPLETED without them would tell EMX2 the work is done while nothing can ever be collected.
            status = JobStatus.Failed;
            detail = $"{detail}; output directory {dirs.Output} does not exist: the job's results are not where " +
                     $"apptainer.tmp_dir ({ctx.JobsRoot}) says, so they cannot be published";
            ctx.Log.Error($"job {job.JobId} finished but its output directory {dirs.Output} does not exist; reporting FAILED", null,
                ("job_id", job.JobId), ("slurm_job_id", job.SchedulerJobId));
        }
        if (job.CollectOutputs && Directory.Exists(dirs.Output))
        {
            var profile = ctx.Placement.Profile(job);
            using var collected = await OutputCollector.CollectAsync(dirs, LimitsFor(profile), ct);
            foreach (var skipped in collected.Skipped)
                ctx.Log.Warn($"job {job.JobId}: not uploading {skipped}", ("job_id", job.JobId));
            if (collected.Refused.Count > 0 && status == JobStatus.Completed)
            {
                // The job left something it must not (a link, FIFO, device or hard link) or more than its profile
                // allows: its result cannot be trusted or published, but its logs still explain what happened.
                status = JobStatus.Failed;
                detail = $"{detail}; output refused: {string.Join("; ", collected.Refused.Take(5))}" +
                         (collected.Refused.Count > 5 ? $" (and {collected.Refused.Count - 5} more)" : "");
            }
            // usage.json is written by the worker beside (not inside) the job-writable output directory, so it travels
            // with uploaded logs only: posix residence registers files of the output directory, where it is not.
            var logResidence = profile?.LogResidence ?? Residence.Managed;
            using var usageFile = logResidence == Residence.Managed && ctx.Store.GetUsage(job.JobId) is { } usage
                ? await workspace.WriteUsageAsync(dirs, usage, ct) : null;
            var logs = usageFile is null ? collected.Logs : [.. collected.Logs, usageFile.File];
            try
            {
                logId = await publisher.PublishAsync(job, ArtifactRole.Log, logs, logResidence, dirs, ct);
            }
            catch (Emx2ApiException ex) when (!IsTransient(ex))
            {
                // Logs are evidence, not the result: one EMX2 refuses for good (e.g. larger than its upload limit)
                // must not keep the outcome from ever being reported.
                detail = $"{detail}; log upload failed: {ex.Message}";
                ctx.Log.Error($"logs of job {job.JobId} cannot be published; reporting without them", ex, ("job_id", job.JobId));
            }
            if (status == JobStatus.Completed)
            {
                try
                {
                    outputId = await publisher.PublishAsync(job, ArtifactRole.Output, collected.Outputs, profile?.OutputResidence ?? Residence.Managed, dirs, ct);
                }
                catch (Emx2ApiException ex) when (!IsTransient(ex))
                {
                    status = JobStatus.Failed;
                    detail = $"{detail}; output upload failed: {ex.Message}";
                    ctx.Log.Error($"outputs of job {job.JobId} cannot be published; reporting FAILED", ex, ("job_id", job.JobId));
                }
            }
        }
        if (logId is not null) detail += $"; log_artifact={logId}";
        if (outputId is not null) detail += $"; output_artifact={outputId}";
        var body = Reports.Transition(ctx, status, detail.TrimStart(';', ' '), job.SchedulerJobId) with
        {
            OutputArtifactId = outputId, LogArtifactId = logId,
        };
        ctx.Jobs.Advance(job, JobLifecycle.Done(job, status), body);
    }

    private OutputLimits LimitsFor(ProfileConfig? profile) => new()
    {
        MaxBytes = profile?.MaxOutputBytes ?? ctx.Config.Staging.MaxOutputBytes,
        MaxFiles = profile?.MaxOutputFiles ?? ctx.Config.Staging.MaxOutputFiles,
    };

    /// <summary>Reports FAILED with whatever artifacts were already committed, without touching the files again.</summary>
    private void GiveUp(TrackedJob job, string why)
    {
        var logId = ctx.Store.GetUpload(job.JobId, ArtifactRole.Log) is { State: UploadState.Committed } log ? log.ArtifactId : null;
        var detail = $"{(string.IsNullOrEmpty(job.TerminalDetail) ? "" : job.TerminalDetail + "; ")}{why}";
        if (logId is not null) detail += $"; log_artifact={logId}";
        var body = Reports.Transition(ctx, JobStatus.Failed, detail, job.SchedulerJobId) with { LogArtifactId = logId };
        ctx.Jobs.Advance(job, JobLifecycle.Done(job, JobStatus.Failed), body);
    }

    /// <summary>The failure is EMX2's or the network's, not the job's files.</summary>
    private static bool IsRemote(Exception ex) =>
        ex is Emx2UnavailableException or Emx2AuthenticationException or HttpRequestException
            or TaskCanceledException { InnerException: TimeoutException };

    /// <summary>Worth retrying next cycle: EMX2 or the network is down, or a local I/O hiccup.</summary>
    internal static bool IsTransient(Exception ex) =>
        ex is Emx2UnavailableException or Emx2AuthenticationException or HttpRequestException or OperationCanceledException or IOException
            or UnauthorizedAccessException;
}
