namespace Emx2Hpc.Emulator.Storage;

/// <summary>Tables mirror the server's Hpc* tables. Every table has an autoincrement seq so "insertion order" ties
/// (equal timestamps within one microsecond) are broken deterministically.</summary>
internal static class Schema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS workers (
            worker_id TEXT PRIMARY KEY,
            hostname TEXT,
            registered_at TEXT,
            last_heartbeat_at TEXT);
        CREATE TABLE IF NOT EXISTS capabilities (
            worker_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            processor TEXT NOT NULL,
            profile TEXT NOT NULL,
            max_concurrent_jobs INTEGER,
            PRIMARY KEY (worker_id, position));
        CREATE TABLE IF NOT EXISTS credentials (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            worker_id TEXT NOT NULL,
            secret TEXT NOT NULL,
            status TEXT NOT NULL,
            label TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT,
            last_used_at TEXT,
            revoked_at TEXT,
            expires_at TEXT);
        CREATE INDEX IF NOT EXISTS credentials_worker ON credentials (worker_id);
        CREATE TABLE IF NOT EXISTS jobs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            processor TEXT NOT NULL,
            profile TEXT,
            parameters TEXT,
            status TEXT NOT NULL,
            worker_id TEXT,
            inputs TEXT,
            slurm_job_id TEXT,
            submit_user TEXT,
            created_at TEXT NOT NULL,
            claimed_at TEXT,
            submitted_at TEXT,
            started_at TEXT,
            completed_at TEXT,
            phase TEXT,
            message TEXT,
            progress REAL,
            timeout_seconds INTEGER,
            output_artifact_id TEXT,
            log_artifact_id TEXT);
        CREATE INDEX IF NOT EXISTS jobs_listing ON jobs (status, created_at, id);
        CREATE INDEX IF NOT EXISTS jobs_worker ON jobs (worker_id, status);
        CREATE TABLE IF NOT EXISTS transitions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            job_id TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            worker_id TEXT,
            detail TEXT,
            phase TEXT,
            message TEXT,
            progress REAL);
        CREATE INDEX IF NOT EXISTS transitions_job ON transitions (job_id, timestamp, seq);
        CREATE TABLE IF NOT EXISTS artifacts (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            name TEXT,
            type TEXT,
            residence TEXT NOT NULL,
            status TEXT NOT NULL,
            sha256 TEXT,
            size_bytes INTEGER,
            content_url TEXT,
            metadata TEXT,
            created_at TEXT NOT NULL,
            committed_at TEXT);
        CREATE TABLE IF NOT EXISTS files (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            artifact_id TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT,
            size_bytes INTEGER,
            content_type TEXT,
            content BLOB,
            UNIQUE (artifact_id, path));
        """;
}
