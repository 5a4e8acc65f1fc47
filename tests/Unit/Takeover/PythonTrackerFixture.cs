using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>One row of the Python daemon's tracked_jobs table, column for column (REFERENCE-DAEMON §3.4). Times are
/// wall-clock epoch seconds as it stored them; 0 means unset.</summary>
public sealed record PythonRow
{
    public required string Emx2JobId { get; init; }
    public string? SlurmJobId { get; init; }
    public string Status { get; init; } = "CLAIMED";
    public string? WorkDir { get; init; }
    public string? InputDir { get; init; }
    public string? OutputDir { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public double ClaimedAt { get; init; }
    public string? LastProgressHash { get; init; }
    public double LastQueueReport { get; init; }
    public string? LogArtifactId { get; init; }
    public string? OutputArtifactId { get; init; }
    public string? CompletionPhase { get; init; }
    public string? SubmitUser { get; init; }
    public string? InputArtifactIds { get; init; }
    public string? ParametersHash { get; init; }
    public int? TimeoutSeconds { get; init; }
    public double UnknownSince { get; init; }
}

/// <summary>Writes a tracker database exactly as the Python daemon's schema has it: one table, WAL journal, the
/// documented columns, nullability and defaults, no other tables and user_version 0.</summary>
public static class PythonTrackerFixture
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS tracked_jobs (
            emx2_job_id TEXT PRIMARY KEY,
            slurm_job_id TEXT,
            status TEXT NOT NULL DEFAULT 'CLAIMED',
            work_dir TEXT,
            input_dir TEXT,
            output_dir TEXT,
            processor TEXT,
            profile TEXT,
            claimed_at REAL NOT NULL DEFAULT 0,
            last_progress_hash TEXT,
            last_queue_report REAL NOT NULL DEFAULT 0,
            log_artifact_id TEXT,
            output_artifact_id TEXT,
            completion_phase TEXT,
            submit_user TEXT,
            input_artifact_ids TEXT,
            parameters_hash TEXT,
            timeout_seconds INTEGER,
            unknown_since REAL NOT NULL DEFAULT 0
        );
        """;

    public static void Create(string path, IEnumerable<PythonRow> rows)
    {
        SQLitePCL.Batteries_V2.Init();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            db.Open();
            Exec(db, "PRAGMA journal_mode=WAL;");
            Exec(db, Schema);
            foreach (var r in rows) Insert(db, r);
            // The Python daemon leaves its rows in the WAL; checkpoint so the fixture is one self-contained file.
            Exec(db, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        SqliteConnection.ClearAllPools();
    }

    public static void Insert(SqliteConnection db, PythonRow r)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO tracked_jobs (emx2_job_id, slurm_job_id, status, work_dir, input_dir, output_dir, processor, profile,
              claimed_at, last_progress_hash, last_queue_report, log_artifact_id, output_artifact_id, completion_phase, submit_user,
              input_artifact_ids, parameters_hash, timeout_seconds, unknown_since)
            VALUES ($id,$slurm,$status,$wd,$in,$out,$proc,$prof,$claimed,$hash,$queue,$log,$output,$phase,$user,$inputs,$params,$timeout,$unknown)
            """;
        foreach (var (name, value) in new (string, object?)[]
                 {
                     ("$id", r.Emx2JobId), ("$slurm", r.SlurmJobId), ("$status", r.Status), ("$wd", r.WorkDir), ("$in", r.InputDir),
                     ("$out", r.OutputDir), ("$proc", r.Processor), ("$prof", r.Profile), ("$claimed", r.ClaimedAt),
                     ("$hash", r.LastProgressHash), ("$queue", r.LastQueueReport), ("$log", r.LogArtifactId),
                     ("$output", r.OutputArtifactId), ("$phase", r.CompletionPhase), ("$user", r.SubmitUser),
                     ("$inputs", r.InputArtifactIds), ("$params", r.ParametersHash), ("$timeout", r.TimeoutSeconds), ("$unknown", r.UnknownSince),
                 })
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
