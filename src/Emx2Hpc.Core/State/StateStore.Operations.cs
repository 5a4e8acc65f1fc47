using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

/// <summary>One finished cycle as `status` sees it.</summary>
public sealed record CycleRun(DateTimeOffset StartedUtc, DateTimeOffset FinishedUtc, TimeSpan Duration, bool Ok, string? Errors);

/// <summary>One persisted counter: a metric name, its labels in exposition order, and the running total.</summary>
public sealed record CounterValue(string Name, IReadOnlyList<(string Name, string Value)> Labels, double Value);

/// <summary>One audit row before export: the sequence number makes the export idempotent.</summary>
public sealed record AuditRow(long Sequence, DateTimeOffset TimeUtc, string Event, string? JobId, string DataJson);

public sealed partial class StateStore
{
    /// <summary>Keeps enough history to show the last success and the last failure; older rows are dropped.</summary>
    private const int CycleRunsKept = 200;

    public void RecordCycle(DateTimeOffset started, DateTimeOffset finished, bool ok, string? errors)
    {
        using var tx = _db.BeginTransaction();
        Execute(Cmd("INSERT INTO cycle_runs(started_utc, finished_utc, duration_ms, ok, errors) VALUES ($s,$f,$d,$ok,$e)",
            ("$s", Iso(started)), ("$f", Iso(finished)), ("$d", (long)(finished - started).TotalMilliseconds), ("$ok", ok ? 1 : 0), ("$e", errors)), tx);
        Execute(Cmd($"DELETE FROM cycle_runs WHERE seq <= (SELECT max(seq) FROM cycle_runs) - {CycleRunsKept}"), tx);
        tx.Commit();
    }

    public CycleRun? LastCycle(bool? ok = null) => Query(
        ok is null
            ? Cmd("SELECT started_utc, finished_utc, duration_ms, ok, errors FROM cycle_runs ORDER BY seq DESC LIMIT 1")
            : Cmd("SELECT started_utc, finished_utc, duration_ms, ok, errors FROM cycle_runs WHERE ok=$ok ORDER BY seq DESC LIMIT 1", ("$ok", ok.Value ? 1 : 0)),
        r => new CycleRun(ParseIso(r, 0)!.Value, ParseIso(r, 1)!.Value, TimeSpan.FromMilliseconds(r.GetInt64(2)), r.GetInt64(3) != 0,
            r.IsDBNull(4) ? null : r.GetString(4))).FirstOrDefault();

    /// <summary>Adds to a persisted counter; pass the transaction of the state change being counted.</summary>
    internal void AddCounter(string name, IReadOnlyList<(string Name, string Value)> labels, double amount, SqliteTransaction? tx)
    {
        Execute(Cmd("INSERT INTO metric_counters(name, labels, value) VALUES ($n,$l,$v) ON CONFLICT(name, labels) DO UPDATE SET value=value+excluded.value",
            ("$n", name), ("$l", EncodeLabels(labels)), ("$v", amount)), tx);
    }

    public void AddCounter(string name, IReadOnlyList<(string Name, string Value)> labels, double amount) => AddCounter(name, labels, amount, null);

    public IReadOnlyList<CounterValue> Counters() =>
        Query(Cmd("SELECT name, labels, value FROM metric_counters ORDER BY name, labels"),
            r => new CounterValue(r.GetString(0), DecodeLabels(r.GetString(1)), r.GetDouble(2)));

    internal long AppendAudit(DateTimeOffset time, string eventName, string? jobId, string dataJson, SqliteTransaction? tx)
    {
        using var cmd = Cmd("INSERT INTO audit_events(time_utc, event, job_id, data_json) VALUES ($t,$e,$j,$d); SELECT last_insert_rowid();",
            ("$t", Iso(time)), ("$e", eventName), ("$j", jobId), ("$d", dataJson));
        cmd.Transaction = tx;
        return (long)cmd.ExecuteScalar()!;
    }

    public IReadOnlyList<AuditRow> AuditAfter(long sequence, int limit = 10_000) =>
        Query(Cmd("SELECT seq, time_utc, event, job_id, data_json FROM audit_events WHERE seq > $s ORDER BY seq LIMIT $n", ("$s", sequence), ("$n", limit)),
            r => new AuditRow(r.GetInt64(0), ParseIso(r, 1)!.Value, r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));

    /// <summary>Drops rows already in the file (the file is the record; the table is only its write-ahead copy).</summary>
    public void PruneAudit(long throughSequence) => Execute(Cmd("DELETE FROM audit_events WHERE seq <= $s", ("$s", throughSequence)));

    // Labels are stored as "k=v" lines; values are label values we produced (profile names, statuses, reasons),
    // and a newline in one would be replaced rather than allowed to split the encoding.
    private static string EncodeLabels(IReadOnlyList<(string Name, string Value)> labels) =>
        string.Join('\n', labels.Select(l => l.Name + "=" + l.Value.Replace('\n', ' ')));

    private static IReadOnlyList<(string, string)> DecodeLabels(string text) => text.Length == 0
        ? []
        : text.Split('\n').Select(line => { var eq = line.IndexOf('=', StringComparison.Ordinal); return (line[..eq], line[(eq + 1)..]); }).ToList();

    /// <summary>File size of the database plus its WAL, for `status`.</summary>
    public long SizeBytes() =>
        new[] { Path, Path + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
}
