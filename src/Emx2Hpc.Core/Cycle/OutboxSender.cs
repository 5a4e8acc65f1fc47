using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Delivers queued reports in sequence order per job. A job's queue stops at its first undelivered
/// report (order matters: STARTED before COMPLETED); an unreachable server stops the whole flush. A 409 is not
/// an error to retry forever (as the Python daemon did): the server's view is read and reconciled.</summary>
internal sealed class OutboxSender(CycleContext ctx, JobRetirement retirement)
{
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var delivered = 0;
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in ctx.Store.PendingReports())
        {
            if (blocked.Contains(entry.JobId)) continue;
            var fields = ("job_id", (object?)entry.JobId);
            try
            {
                var body = Reports.Read(entry);
                if (entry.Kind == ReportKind.Complete) await ctx.Client.CompleteAsync(entry.JobId, body, ct);
                else await ctx.Client.TransitionAsync(entry.JobId, body, ct);
                Acknowledge(entry);
                delivered++;
                ctx.Log.Info($"reported {entry.TargetStatus} for job {entry.JobId}", fields, ("status", entry.TargetStatus));
            }
            catch (Emx2ConflictException)
            {
                if (!await ReconcileAsync(entry, ct)) blocked.Add(entry.JobId);
            }
            catch (Emx2NotFoundException)
            {
                ctx.Log.Warn($"job {entry.JobId} no longer exists in EMX2; dropping its reports and cancelling its scheduler job", fields);
                await retirement.RetireAsync(entry.JobId, "DELETED", cancelScheduler: true, ct);
            }
            catch (Emx2BadRequestException ex)
            {
                // Our own payloads are validated before queueing; a 400 means the entry can never succeed.
                ctx.Log.Error($"EMX2 rejected report {entry.TargetStatus} for job {entry.JobId}: {ex.Message}; dropping it", null, fields);
                ctx.Store.Acknowledge(entry.Sequence);
            }
            catch (Emx2ApiException ex) when (ex is Emx2UnavailableException or Emx2AuthenticationException or Emx2ForbiddenException)
            {
                ctx.Store.RecordAttempt(entry.Sequence, ex.Message);
                ctx.Log.Warn($"EMX2 not accepting reports ({ex.Message}); {ctx.Store.PendingReports().Count} queued for the next cycle", fields);
                return delivered;
            }
            catch (Exception ex) when (ex is Emx2ApiException or HttpRequestException or IOException)
            {
                ctx.Store.RecordAttempt(entry.Sequence, ex.Message);
                blocked.Add(entry.JobId);
                ctx.Log.Warn($"report {entry.TargetStatus} for job {entry.JobId} not delivered: {ex.Message}", fields);
            }
        }
        return delivered;
    }

    private void Acknowledge(OutboxEntry entry)
    {
        var job = ctx.Store.GetJob(entry.JobId);
        ctx.Store.InTransaction(tx =>
        {
            tx.Acknowledge(entry.Sequence);
            ctx.Audit.Record(tx, Audit.AuditEvents.Reported, job ?? new TrackedJob { JobId = entry.JobId }, new Dictionary<string, object?>
            {
                ["status"] = entry.TargetStatus, ["kind"] = entry.Kind.ToString().ToLowerInvariant(),
                ["attempts"] = entry.Attempts + 1, ["final"] = entry.Kind == ReportKind.Complete, ["report_seq"] = entry.Sequence,
            });
        });
        if (entry.Kind == ReportKind.Complete) retirement.Finish(entry.JobId, entry.TargetStatus);
    }

    /// <summary>The server refused the edge. Its current state decides what our entry means now.</summary>
    private async Task<bool> ReconcileAsync(OutboxEntry entry, CancellationToken ct)
    {
        var server = await ctx.Client.GetJobAsync(entry.JobId, ct);
        var fields = ("job_id", (object?)entry.JobId);
        if (server.Status == entry.TargetStatus && server.WorkerId == ctx.WorkerId)
        {
            Acknowledge(entry); // already applied (e.g. a response lost after the server committed)
            return true;
        }
        if (JobStatus.IsTerminal(server.Status) || server.WorkerId != ctx.WorkerId)
        {
            ctx.Log.Warn($"EMX2 has job {entry.JobId} as {server.Status} (worker {server.WorkerId ?? "none"}); our {entry.TargetStatus} report is moot — stopping local work on it", fields);
            await retirement.RetireAsync(entry.JobId, server.Status, cancelScheduler: true, ct);
            return true;
        }
        if (JobStatus.Rank(server.Status) > JobStatus.Rank(entry.TargetStatus))
        {
            ctx.Store.Acknowledge(entry.Sequence); // superseded by a later state the server already has
            return true;
        }
        ctx.Store.RecordAttempt(entry.Sequence, $"409: server status {server.Status}");
        ctx.Log.Error($"EMX2 refuses {entry.TargetStatus} for job {entry.JobId} from {server.Status}; will retry", null, fields);
        return false;
    }
}
