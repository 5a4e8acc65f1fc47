using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Removes posix-residence results from staging.posix_output_root once staging.posix_output_retention_days have
/// passed since they were moved there. 0 (the default) keeps them forever: EMX2 still points at them, so deleting them
/// is the administrator's explicit choice. Removing is recorded before the directory is touched and Removed after, so a
/// kill -9 mid-removal is finished by the next cycle; removal works by descriptor and never follows a link.</summary>
internal sealed class PosixOutputRetention(CycleContext ctx, IJobWorkspace workspaces)
{
    public int Sweep(CancellationToken ct)
    {
        var days = ctx.Config.Staging.PosixOutputRetentionDays;
        if (days <= 0) return 0;
        var removed = 0;
        foreach (var row in ctx.Store.ExpiredPosixOutputs(ctx.Now - TimeSpan.FromDays(days)))
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                ctx.Store.SetPosixOutput(row.JobId, row.Path, PosixOutputState.Removing);
                workspaces.RemovePosixResults(row.JobId);
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
