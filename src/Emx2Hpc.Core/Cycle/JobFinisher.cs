using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Completion in checkpointed phases: decide the outcome (phase Finishing, persisted), publish the log
/// artifact, publish the output artifact (COMPLETED only), then queue /complete with both ids (phase Done).
/// Each publish resumes from what the store recorded, so a restart anywhere repeats no upload and creates no
/// second artifact. A job is never reported COMPLETED without its committed output (gap 22): a transient
/// failure is retried next cycle, a permanent one turns the outcome into FAILED with the reason.</summary>
internal sealed class JobFinisher(CycleContext ctx, ArtifactPublisher publisher)
{
    /// <summary>Records the terminal outcome; the files are collected by <see cref="FinishAsync"/>.</summary>
    public void Decide(TrackedJob job, string status, string detail, bool collectOutputs)
    {
        ctx.Store.Upsert(job with { Phase = LocalPhase.Finishing, TerminalStatus = status, TerminalDetail = detail, CollectOutputs = collectOutputs });
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
            catch (Exception ex) when (IsTransient(ex))
            {
                ctx.Log.Warn($"publishing results of job {job.JobId} interrupted: {ex.Message}; resuming next cycle", ("job_id", job.JobId));
            }
        }
        return finished;
    }

    private async Task FinishOneAsync(TrackedJob job, CancellationToken ct)
    {
        var status = job.TerminalStatus ?? JobStatus.Failed;
        var detail = job.TerminalDetail ?? "";
        string? logId = null, outputId = null;
        var dirs = JobDirectories.For(ctx.JobsRoot, job.JobId);
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
            var profile = ctx.Config.FindProfile(job.Processor ?? "", job.Profile);
            var collected = OutputCollector.Collect(dirs);
            foreach (var skipped in collected.Skipped)
                ctx.Log.Warn($"job {job.JobId}: not uploading {skipped}", ("job_id", job.JobId));
            try
            {
                logId = await publisher.PublishAsync(job, ArtifactRole.Log, collected.Logs, profile?.LogResidence ?? Residence.Managed, dirs, ct);
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
        ctx.Store.InTransaction(tx =>
        {
            tx.Upsert(job with { Phase = LocalPhase.Done, Emx2Status = status, TerminalStatus = status });
            Reports.Enqueue(tx, job.JobId, ReportKind.Complete, body);
        });
    }

    /// <summary>Worth retrying next cycle: EMX2 or the network is down, or a local I/O hiccup.</summary>
    internal static bool IsTransient(Exception ex) =>
        ex is Emx2UnavailableException or Emx2AuthenticationException or HttpRequestException or TaskCanceledException or IOException;
}
