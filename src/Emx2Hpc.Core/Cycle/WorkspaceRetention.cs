using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Removes job directories once their job is over and acknowledged by EMX2 and the retention
/// (<c>worker.job_retention_hours</c>) has passed. The release time is recorded in SQLite with the final
/// acknowledgement, so a kill -9 anywhere only delays the removal to the next cycle; removal never follows a link a
/// job left in its directory, and the row goes only after the directory is gone.</summary>
internal sealed class WorkspaceRetention(CycleContext ctx, IJobWorkspace workspaces)
{
    public int Sweep(CancellationToken ct)
    {
        var removed = 0;
        var cutoff = ctx.Now - TimeSpan.FromHours(ctx.Config.Worker.JobRetentionHours);
        foreach (var workspace in ctx.Store.ReleasedWorkspaces(cutoff))
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                workspaces.Remove(workspace.JobId);
                ctx.Store.ForgetWorkspace(workspace.JobId);
                removed++;
                ctx.Log.Debug($"removed the directory of job {workspace.JobId} (retention passed)", ("job_id", workspace.JobId));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ctx.Log.Warn($"cannot remove the directory of job {workspace.JobId} yet: {ex.Message}", ("job_id", workspace.JobId));
            }
        }
        return removed;
    }
}
