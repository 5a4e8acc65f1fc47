using Emx2Hpc.Core.Metrics;

namespace Emx2Hpc.Core.Cycle;

/// <summary>What happens after every cycle, whatever it did: its outcome is recorded for `status`, the metrics are
/// refreshed from the state database and, when configured, written to the node_exporter textfile; the cycle's audit
/// events are appended to the JSON-lines file. A failure here is
/// logged and never fails the cycle: the jobs matter more than the bookkeeping about them.</summary>
internal sealed class CycleEpilogue(CycleContext ctx, WorkerMetrics metrics)
{
    public async Task AfterCycleAsync(CycleReport report, DateTimeOffset started, CancellationToken ct)
    {
        try
        {
            // A cycle counts as successful only when every step ran against a reachable EMX2.
            var ok = !report.Emx2Unreachable && report.Errors.Count == 0;
            ctx.Store.RecordCycle(started, ctx.Now, ok, ok ? null : string.Join("; ", report.Errors));
            metrics.CycleDuration.Observe(report.Duration.TotalSeconds);
            RefreshMetrics();
            if (ctx.Config.Metrics.Textfile is { } textfile) await MetricsTextfile.WriteAsync(metrics, textfile, ct);
            if (ctx.Config.Audit.Enabled) Audit.AuditExporter.Export(ctx.Store, ctx.Config.Audit.ResolvePath(ctx.Config.Worker.StateDb));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            ctx.Log.Warn($"after-cycle bookkeeping failed (status, metrics): {ex.Message}");
        }
    }

    public void RefreshMetrics() => metrics.Refresh(ctx.Store, ctx.Now);
}
