using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

public sealed partial class StateStore
{
    public long Enqueue(string jobId, ReportKind kind, string targetStatus, string payloadJson) =>
        EnqueueReport(jobId, kind, targetStatus, payloadJson, null);

    internal long EnqueueReport(string jobId, ReportKind kind, string targetStatus, string payloadJson, SqliteTransaction? tx)
    {
        using var cmd = Cmd("INSERT INTO outbox(job_id, kind, target_status, payload_json, created_utc) VALUES ($j,$k,$t,$p,$now); SELECT last_insert_rowid();",
            ("$j", jobId), ("$k", kind.ToString()), ("$t", targetStatus), ("$p", payloadJson), ("$now", Iso(DateTimeOffset.UtcNow)));
        cmd.Transaction = tx;
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>All pending reports, oldest first; the sender keeps per-job order by stopping at a job's first failure.</summary>
    public IReadOnlyList<OutboxEntry> PendingReports(string? jobId = null) =>
        Query(jobId is null
                ? Cmd("SELECT seq, job_id, kind, target_status, payload_json, attempts, last_error, created_utc FROM outbox ORDER BY seq")
                : Cmd("SELECT seq, job_id, kind, target_status, payload_json, attempts, last_error, created_utc FROM outbox WHERE job_id=$j ORDER BY seq", ("$j", jobId)),
            r => new OutboxEntry
            {
                Sequence = r.GetInt64(0),
                JobId = r.GetString(1),
                Kind = Enum.Parse<ReportKind>(r.GetString(2)),
                TargetStatus = r.GetString(3),
                PayloadJson = r.GetString(4),
                Attempts = r.GetInt32(5),
                LastError = r.IsDBNull(6) ? null : r.GetString(6),
                CreatedUtc = ParseIso(r, 7)!.Value,
            });

    public void Acknowledge(long sequence) => Execute(Cmd("DELETE FROM outbox WHERE seq=$s", ("$s", sequence)));

    public void RecordAttempt(long sequence, string error) =>
        Execute(Cmd("UPDATE outbox SET attempts=attempts+1, last_error=$e WHERE seq=$s", ("$s", sequence), ("$e", error)));

    /// <summary>Drops every pending report of a job (the server is already terminal; nothing left to say).</summary>
    public void DropReports(string jobId) => Execute(Cmd("DELETE FROM outbox WHERE job_id=$j", ("$j", jobId)));
}
