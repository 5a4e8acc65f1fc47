namespace Emx2Hpc.Core.State;

/// <summary>Versioned schema (PRAGMA user_version). Migrations only ever append; each runs in one transaction,
/// so a crash mid-migration leaves the previous version intact.</summary>
internal static class Schema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // v1
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE tracked_jobs (
            job_id TEXT PRIMARY KEY,
            processor TEXT, profile TEXT,
            phase TEXT NOT NULL,
            emx2_status TEXT NOT NULL,
            scheduler_name TEXT, scheduler_job_id TEXT,
            submit_attempts INTEGER NOT NULL DEFAULT 0,
            submitting_since_utc TEXT,
            claimed_at_utc TEXT,
            timeout_seconds INTEGER, submission_timeout_seconds INTEGER,
            terminal_status TEXT, terminal_detail TEXT,
            collect_outputs INTEGER NOT NULL DEFAULT 1,
            progress_offset INTEGER NOT NULL DEFAULT 0, progress_fingerprint TEXT,
            unknown_since_utc TEXT,
            last_notable_report_utc TEXT, last_notable_state TEXT,
            job_json TEXT, work_dir TEXT,
            created_utc TEXT NOT NULL, updated_utc TEXT NOT NULL);
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL, kind TEXT NOT NULL, target_status TEXT NOT NULL,
            payload_json TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
            created_utc TEXT NOT NULL);
        CREATE INDEX outbox_job ON outbox(job_id, seq);
        CREATE TABLE artifact_uploads (
            job_id TEXT NOT NULL, role TEXT NOT NULL,
            artifact_id TEXT, residence TEXT NOT NULL, state TEXT NOT NULL,
            tree_sha256 TEXT, size_bytes INTEGER NOT NULL DEFAULT 0, file_count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (job_id, role));
        CREATE TABLE uploaded_files (
            job_id TEXT NOT NULL, role TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
            PRIMARY KEY (job_id, role, path));
        CREATE TABLE finished_jobs (
            job_id TEXT PRIMARY KEY, final_status TEXT NOT NULL, scheduler_job_id TEXT,
            output_artifact_id TEXT, log_artifact_id TEXT, finished_utc TEXT NOT NULL);
        """,
        // v2: job workspaces (exclusive creation, retention) and bounded result collection.
        """
        CREATE TABLE job_workspaces (
            job_id TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            state TEXT NOT NULL,
            finish_attempts INTEGER NOT NULL DEFAULT 0, last_finish_error TEXT,
            created_utc TEXT NOT NULL, released_utc TEXT);
        """,
        // v3: operations. Cycle outcomes for `status`; counters that survive between cron runs for the metrics;
        // audit events written in the same transaction as the state change that records a side effect, and
        // exported to the JSON-lines file afterwards (so a kill -9 never loses or doubles one).
        """
        CREATE TABLE cycle_runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            started_utc TEXT NOT NULL, finished_utc TEXT NOT NULL,
            duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL, errors TEXT);
        CREATE TABLE metric_counters (
            name TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL,
            PRIMARY KEY (name, labels));
        CREATE TABLE audit_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time_utc TEXT NOT NULL, event TEXT NOT NULL,
            job_id TEXT, data_json TEXT NOT NULL);
        """,
        // v4: usage accounting of finished jobs, stored when first read from the scheduler (in the transaction that
        // decides the outcome) so the log artifact's usage.json survives a kill -9 before the upload.
        """
        CREATE TABLE job_usage (
            job_id TEXT PRIMARY KEY, usage_json TEXT NOT NULL, recorded_utc TEXT NOT NULL);
        """,
        // v5: posix containment. Input views are recorded Building before they are built and Ready once verified in
        // place; posix-residence results are recorded Moving before they are placed under staging.posix_output_root,
        // Moved (with the manifest EMX2 is given) after, and Removing/Removed by their own retention.
        """
        CREATE TABLE posix_input_views (
            job_id TEXT NOT NULL, artifact_id TEXT NOT NULL, state TEXT NOT NULL, tree_sha256 TEXT,
            linked_files INTEGER NOT NULL DEFAULT 0, copied_files INTEGER NOT NULL DEFAULT 0, copied_bytes INTEGER NOT NULL DEFAULT 0,
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (job_id, artifact_id));
        CREATE TABLE posix_outputs (
            job_id TEXT PRIMARY KEY, path TEXT NOT NULL, state TEXT NOT NULL, files_json TEXT,
            moved_utc TEXT, removed_utc TEXT, updated_utc TEXT NOT NULL);
        """,
    ];

    public static int Current => Migrations.Count;
}
