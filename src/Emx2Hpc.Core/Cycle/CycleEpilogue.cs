using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>What happens after every cycle, whatever it did: its outcome is recorded for `status`. A failure
/// here is logged and never fails the cycle: the jobs matter more than the bookkeeping about them.</summary>
internal sealed class CycleEpilogue(CycleContext ctx)
{
    public void AfterCycle(CycleReport report, DateTimeOffset started)
    {
        try
        {
            // A cycle counts as successful only when every step ran against a reachable EMX2.
            var ok = !report.Emx2Unreachable && report.Errors.Count == 0;
            ctx.Store.RecordCycle(started, ctx.Now, ok, ok ? null : string.Join("; ", report.Errors));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            ctx.Log.Warn($"could not record the cycle outcome: {ex.Message}");
        }
    }
}
