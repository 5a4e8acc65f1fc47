using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Removes posix-residence results from staging.posix_output_root once staging.posix_output_retention_days have
/// passed since they were moved there. 0 (the default) keeps them forever: EMX2 still points at them, so deleting them
/// is the administrator's explicit choice. The half-built tree of a move that never finished for a job no longer
/// tracked is removed at once. The root's owner and mode are checked on every sweep. Removing is recorded before the directory is touched and Removed after, so a
/// kill -9 mid-removal is finished by the next cycle; removal works by descriptor and never follows a link.</summary>
internal sealed class PosixOutputRetention(CycleContext ctx, IJobWorkspace workspaces)
{
    public int Sweep(CancellationToken ct)
    {
        // Checked every cycle, not only before a move: whoever can write the root can replace results EMX2 points at.
        var root = ctx.Config.Staging.PosixOutputRoot;
        if (Directory.Exists(root) && FileSystem.PosixOutputRoot.Verify(root) is { } unsafeRoot) throw new IOException(unsafeRoot);
        var days = ctx.Config.Staging.PosixOutputRetentionDays;
        // A move that never finished for a job no longer tracked (given up on and reported FAILED without results)
        // published nothing: its half-built tree goes now, whatever the retention.
        var due = ctx.Store.UnfinishedPosixOutputs()
            .Where(r => r.State == PosixOutputState.Removing || ctx.Store.GetJob(r.JobId) is null).ToList();
        if (days > 0)
            due.AddRange(ctx.Store.ExpiredPosixOutputs(ctx.Now - TimeSpan.FromDays(days)).Where(r => due.All(d => d.JobId != r.JobId)));
        var removed = 0;
        foreach (var row in due)
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                ctx.Store.SetPosixOutput(row.JobId, row.Path, PosixOutputState.Removing);
                workspaces.RemovePosixResults(row.JobId);
                workspaces.RemovePosixResults($".{row.JobId}.partial");
                ctx.Store.SetPosixOutput(row.JobId, row.Path, PosixOutputState.Removed);
                removed++;
                ctx.Log.Info($"removed the posix results of job {row.JobId} from {row.Path} (staging.posix_output_retention_days passed)",
                    ("job_id", row.JobId));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ctx.Log.Warn($"cannot remove the posix results of job {row.JobId} yet: {ex.Message}", ("job_id", row.JobId));
            }
        }
        return removed;
    }
}
