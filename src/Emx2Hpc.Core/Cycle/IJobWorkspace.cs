using System.Text.Json;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>The cycle's filesystem side effect before submission: the job's directories under the jobs root and its
/// staged inputs. A port so a shadow cycle can hold it back (<see cref="Shadow.ShadowWorkspace"/>).</summary>
public interface IJobWorkspace
{
    Task<StagedInputs> PrepareAsync(string jobId, JsonElement? inputs, JobDirectories dirs, CancellationToken ct);

    /// <summary>Removes a finished job's directory (retention); never follows a link the job left there.</summary>
    void Remove(string jobId);

    /// <summary>Writes usage.json beside the job's output directory for its log artifact; null when nothing is written.</summary>
    Task<UsageFile?> WriteUsageAsync(JobDirectories dirs, Scheduling.Usage.JobUsage usage, CancellationToken ct);

    /// <summary>Moves a job's posix-residence result files (collected, checked, open) under staging.posix_output_root
    /// before they are registered; returns where they are now. Resumable (<see cref="PosixResultMover"/>).</summary>
    Task<PosixPlacement> PlacePosixResultsAsync(string jobId, JobDirectories dirs, IReadOnlyList<OutputFile> logs, IReadOnlyList<OutputFile> outputs,
        CancellationToken ct);

    /// <summary>Before results are collected: undoes a move of posix results that a kill interrupted, so output/ is whole.</summary>
    void RestorePosixResults(string jobId, JobDirectories dirs);

    /// <summary>Removes one job's durable posix results (their retention passed); never follows a link.</summary>
    void RemovePosixResults(string jobId);
}

/// <summary>Creates the job's directories exclusively and stages its inputs into them within the per-step budget.</summary>
internal sealed class StagingWorkspace(CycleContext ctx, InputStager stager) : IJobWorkspace
{
    public async Task<StagedInputs> PrepareAsync(string jobId, JsonElement? inputs, JobDirectories dirs, CancellationToken ct)
    {
        CreateWorkspace(jobId, dirs);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(TimeSpan.FromSeconds(ctx.Config.Worker.StepTimeoutSeconds));
        try
        {
            return await stager.StageAsync(jobId, inputs, dirs, budget.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new IOException($"staging took longer than worker.step_timeout_seconds ({ctx.Config.Worker.StepTimeoutSeconds}s)");
        }
    }

    public void Remove(string jobId) => JobWorkspace.Remove(ctx.JobsRoot, jobId);

    public Task<PosixPlacement> PlacePosixResultsAsync(string jobId, JobDirectories dirs, IReadOnlyList<OutputFile> logs,
        IReadOnlyList<OutputFile> outputs, CancellationToken ct) => new PosixResultMover(ctx).PlaceAsync(jobId, dirs, logs, outputs, ct);

    public void RestorePosixResults(string jobId, JobDirectories dirs) => new PosixResultMover(ctx).Restore(jobId, dirs);

    public void RemovePosixResults(string jobId) => JobWorkspace.Remove(ctx.Config.Staging.PosixOutputRoot, jobId);

    public async Task<UsageFile?> WriteUsageAsync(JobDirectories dirs, Scheduling.Usage.JobUsage usage, CancellationToken ct) =>
        await UsageFile.WriteAsync(dirs, usage, ct);

    /// <summary>Records the intent before mkdir, so after a crash the directory is known to be ours; a directory
    /// that exists without that record was planted and fails the job (<see cref="JobWorkspaceException"/>).</summary>
    private void CreateWorkspace(string jobId, JobDirectories dirs)
    {
        var recorded = ctx.Store.GetWorkspace(jobId);
        if (recorded is { State: WorkspaceState.Ready }) return;
        if (JobsRoot.Ensure(ctx.JobsRoot) is { } unsafeRoot) throw new IOException(unsafeRoot);
        if (recorded is null) ctx.Store.SetWorkspaceState(jobId, dirs.Root, WorkspaceState.Creating);
        JobWorkspace.Create(ctx.JobsRoot, jobId, resuming: recorded is not null);
        ctx.Store.SetWorkspaceState(jobId, dirs.Root, WorkspaceState.Ready);
    }
}
