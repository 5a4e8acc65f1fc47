using System.Globalization;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

/// <summary>The worker's local memory (SQLite, WAL): tracked jobs, the outbox of unacknowledged reports, and
/// artifact upload progress. Everything a side effect touches is written here first.
/// A corrupt database is quarantined (db, -wal and -shm renamed together) and recreated empty;
/// <see cref="WasRecreated"/> then tells the cycle to rebuild tracking from EMX2 and the scheduler.</summary>
public sealed partial class StateStore : IDisposable
{
    private static int _sqliteInitialised;
    private readonly SqliteConnection _db;
    private readonly HpcLog _log;

    public string Path { get; }
    /// <summary>True when the file was missing, empty or corrupt at open: local knowledge is gone.</summary>
    public bool WasRecreated { get; }
    public string? QuarantinedAs { get; }

    private StateStore(string path, SqliteConnection db, HpcLog log, bool recreated, string? quarantinedAs)
    {
        Path = path; _db = db; _log = log; WasRecreated = recreated; QuarantinedAs = quarantinedAs;
    }

    public static StateStore Open(string path, HpcLog? log = null)
    {
        log ??= HpcLog.Null;
        InitialiseSqlite();
        var full = System.IO.Path.GetFullPath(path);
        if (PythonStateFile.Identify(full) is { } foreign)
            throw new InvalidOperationException(
                $"state database {full} is {foreign}; emx2-hpc keeps its own state and will not modify it. Set worker.state_db " +
                $"to a new file (or remove the setting for the default), then import its jobs with 'emx2-hpc import-python-state --from {full}'");
        var existed = File.Exists(full) && new FileInfo(full).Length > 0;
        PrivateFiles.PrepareDatabase(full);
        string? quarantined = null;
        try
        {
            var db = OpenAndMigrate(full);
            var recreated = !existed || IsEmpty(db);
            if (recreated) Stamp(db);
            return new StateStore(full, db, log, recreated, null);
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            // Stores are opened before the cycle lock is taken, so overlapping cron runs all meet the corrupt file.
            // Only the lock holder may move it aside, and only if it is still corrupt: otherwise a second run would
            // quarantine the fresh database the first one has just created and is running its cycle on.
            using var guard = CycleLock.TryAcquire(CycleLock.PathFor(full), QuarantineLockWait, out var holder)
                ?? throw new IOException($"state database {full} is corrupt ({ex.Message}) and another cycle holds its lock " +
                                         $"({holder ?? "holder unknown"}); not moving it aside under a running cycle");
            try
            {
                // Another run quarantined and recreated it while we waited: local knowledge is gone all the same, and
                // whichever of us gets the cycle lock must rebuild it.
                var db = OpenAndMigrate(full);
                Stamp(db);
                return new StateStore(full, db, log, true, null);
            }
            catch (SqliteException again) when (IsCorruption(again))
            {
                quarantined = Quarantine(full);
                log.Warn($"state database {full} is corrupt ({ex.Message}); moved to {quarantined} and starting empty",
                    ("state_db", full));
                var db = OpenAndMigrate(full);
                Stamp(db);
                return new StateStore(full, db, log, true, quarantined);
            }
        }
    }

    internal static void InitialiseSqlite()
    {
        if (Interlocked.Exchange(ref _sqliteInitialised, 1) == 0) SQLitePCL.Batteries_V2.Init();
    }

    private static readonly TimeSpan QuarantineLockWait = TimeSpan.FromSeconds(30);

    private static SqliteConnection OpenAndMigrate(string full)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
        try
        {
            db.Open();
            Exec(db, "PRAGMA busy_timeout=10000;");
            Exec(db, "PRAGMA journal_mode=WAL;");
            Exec(db, "PRAGMA synchronous=FULL;");
            using (var check = db.CreateCommand())
            {
                check.CommandText = "PRAGMA quick_check;";
                var result = check.ExecuteScalar() as string;
                if (result != "ok") throw new SqliteException($"quick_check: {result}", 11);
            }
            Migrate(db);
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void Migrate(SqliteConnection db)
    {
        // The common case, every cron run on an existing database: the schema is current and a plain read says so.
        // Migrations only ever move the version forward, so a current version read without a lock stays current,
        // and the write transaction below (which waits for every other writer) is needed only when it is not.
        var seen = Convert.ToInt32(Scalar(db, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (seen == Schema.Current) return;
        // The version is read again inside the write transaction: cron runs starting together on a new database all
        // open it before any of them holds the cycle lock, and a version read before waiting for the write lock
        // would be stale by the time it is granted ("table meta already exists").
        while (true)
        {
            using var tx = db.BeginTransaction(deferred: false);
            using var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > Schema.Current)
                throw new InvalidOperationException($"state database schema v{version} is newer than this build (v{Schema.Current}); upgrade emx2-hpc");
            if (version == Schema.Current) return;
            cmd.CommandText = Schema.Migrations[version] + $"\nPRAGMA user_version={version + 1};";
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }

    /// <summary>Marks a new database so only the first open after a loss reports <see cref="WasRecreated"/>;
    /// otherwise an idle worker would redo the expensive recovery scan on every cron run.</summary>
    private static void Stamp(SqliteConnection db) =>
        Exec(db, $"INSERT OR IGNORE INTO meta(key, value) VALUES ('created_utc', '{Iso(DateTimeOffset.UtcNow)}');");

    private static bool IsEmpty(SqliteConnection db) =>
        Convert.ToInt64(Scalar(db, "SELECT (SELECT count(*) FROM tracked_jobs) + (SELECT count(*) FROM meta) + (SELECT count(*) FROM finished_jobs);"), CultureInfo.InvariantCulture) == 0;

    private static bool IsCorruption(SqliteException ex) => ex.SqliteErrorCode is 11 /*CORRUPT*/ or 26 /*NOTADB*/;

    private static string Quarantine(string full)
    {
        SqliteConnection.ClearAllPools();
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture);
        var target = $"{full}.corrupt-{stamp}";
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(full + suffix)) File.Move(full + suffix, target + suffix, overwrite: true);
        return target;
    }

    private static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    /// <summary>Runs several writes atomically: a state change and the report it implies land together or not at all.</summary>
    public void InTransaction(Action<StateTransaction> work)
    {
        using var tx = _db.BeginTransaction();
        work(new StateTransaction(this, tx));
        tx.Commit();
    }

    public string? GetMeta(string key) => Query(Cmd("SELECT value FROM meta WHERE key=$k", ("$k", key)), r => r.IsDBNull(0) ? null : r.GetString(0)).FirstOrDefault();

    public void SetMeta(string key, string? value) =>
        Execute(Cmd("INSERT INTO meta(key,value) VALUES($k,$v) ON CONFLICT(key) DO UPDATE SET value=excluded.value", ("$k", key), ("$v", value)));

    public void DeleteMeta(string key) => Execute(Cmd("DELETE FROM meta WHERE key=$k", ("$k", key)));

    public void Dispose()
    {
        _db.Dispose();
    }

    internal SqliteCommand Cmd(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    internal static int Execute(SqliteCommand cmd, SqliteTransaction? tx = null)
    {
        using (cmd)
        {
            cmd.Transaction = tx;
            return cmd.ExecuteNonQuery();
        }
    }

    internal static List<T> Query<T>(SqliteCommand cmd, Func<SqliteDataReader, T> map)
    {
        using (cmd)
        {
            using var reader = cmd.ExecuteReader();
            var list = new List<T>();
            while (reader.Read()) list.Add(map(reader));
            return list;
        }
    }

    internal static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
    internal static string? Iso(DateTimeOffset? value) => value is null ? null : Iso(value.Value);
    internal static DateTimeOffset? ParseIso(SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

/// <summary>Handle passed to <see cref="StateStore.InTransaction"/>: the same writes as the store, inside one transaction.</summary>
public sealed class StateTransaction
{
    internal StateTransaction(StateStore store, SqliteTransaction tx) { Store = store; Tx = tx; }
    internal StateStore Store { get; }
    internal SqliteTransaction Tx { get; }

    /// <summary>Only <c>Cycle.JobAdvancer</c> writes job rows, so every phase change passes <see cref="JobLifecycle"/>.</summary>
    internal void Upsert(TrackedJob job) => Store.UpsertJob(job, Tx);
    public long Enqueue(string jobId, ReportKind kind, string targetStatus, string payloadJson) => Store.EnqueueReport(jobId, kind, targetStatus, payloadJson, Tx);
    public void Remove(string jobId) => Store.RemoveJob(jobId, Tx);
    public void RecordFinished(string jobId, string finalStatus, string? schedulerJobId, string? outputArtifactId, string? logArtifactId) =>
        Store.RecordFinished(jobId, finalStatus, schedulerJobId, outputArtifactId, logArtifactId, Tx);
    /// <summary>Starts the retention clock of the job's directory (it is removed once the retention has passed).</summary>
    public void ReleaseWorkspace(string jobId, DateTimeOffset now) => Store.ReleaseWorkspace(jobId, now, Tx);
}
