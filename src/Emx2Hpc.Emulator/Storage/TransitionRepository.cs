using Emx2Hpc.Emulator.Storage.Records;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

internal sealed class TransitionRepository(DbSession db)
{
    private const string Columns = "id, job_id, from_status, to_status, timestamp, worker_id, detail, phase, message, progress";

    public void Insert(TransitionRecord t) =>
        db.Execute($"INSERT INTO transitions ({Columns}) VALUES ($id, $job, $from, $to, $ts, $worker, $detail, $phase, $message, $progress)",
            ("$id", t.Id), ("$job", t.JobId), ("$from", t.FromStatus), ("$to", t.ToStatus), ("$ts", t.Timestamp),
            ("$worker", t.WorkerId), ("$detail", t.Detail), ("$phase", t.Phase), ("$message", t.Message), ("$progress", t.Progress));

    public List<TransitionRecord> ForJob(string jobId) =>
        db.Query($"SELECT {Columns} FROM transitions WHERE job_id = $job ORDER BY timestamp, seq", Map, ("$job", jobId));

    /// <summary>The duplicate test of the same-state rule (SERVER-SPEC §7.3): any earlier row with equal
    /// to_status, worker, detail, phase, message and progress, nulls comparing equal (SQLite's IS).</summary>
    public bool HasIdentical(string jobId, string toStatus, string? workerId, string? detail, string? phase, string? message, double? progress) =>
        db.Scalar<long>("""
            SELECT COUNT(*) FROM transitions WHERE job_id = $job AND to_status = $to AND worker_id IS $worker
              AND detail IS $detail AND phase IS $phase AND message IS $message AND progress IS $progress
            """,
            ("$job", jobId), ("$to", toStatus), ("$worker", workerId), ("$detail", detail), ("$phase", phase),
            ("$message", message), ("$progress", progress)) > 0;

    public void DeleteForJob(string jobId) => db.Execute("DELETE FROM transitions WHERE job_id = $job", ("$job", jobId));

    private static TransitionRecord Map(SqliteDataReader r) => new()
    {
        Id = r.Req("id"),
        JobId = r.Req("job_id"),
        FromStatus = r.Str("from_status"),
        ToStatus = r.Req("to_status"),
        Timestamp = r.Req("timestamp"),
        WorkerId = r.Str("worker_id"),
        Detail = r.Str("detail"),
        Phase = r.Str("phase"),
        Message = r.Str("message"),
        Progress = r.Double("progress"),
    };
}
