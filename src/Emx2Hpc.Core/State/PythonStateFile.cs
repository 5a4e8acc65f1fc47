using System.Text;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

/// <summary>Recognises the Python emx2-hpc-daemon's state files: its SQLite tracker (a <c>tracked_jobs</c> table keyed
/// by <c>emx2_job_id</c>, REFERENCE-DAEMON §3.4) and the TinyDB JSON file of its oldest generation. A Python-era
/// configuration keeps <c>worker.state_db</c> pointing at one of them; opening it as our own store would migrate it
/// (or, as "corrupt", move it aside) and destroy the record the takeover imports from.</summary>
public static class PythonStateFile
{
    /// <summary>Where the Python daemon kept its tracker when <c>worker.state_db</c> was empty.</summary>
    public static string DefaultPath(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var home = env("HOME");
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home ?? "/", ".local", "share", "hpc-daemon", "state.db");
    }

    /// <summary>What the file is if it is the Python daemon's ("the Python emx2-hpc-daemon's SQLite tracker"), else
    /// null (absent, empty, ours, or something else). Opens nothing for writing.</summary>
    public static string? Identify(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0) return null;
        var head = new byte[16];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            read = stream.Read(head, 0, head.Length);
        var text = Encoding.ASCII.GetString(head, 0, read);
        if (text.TrimStart().StartsWith('{')) return "the Python emx2-hpc-daemon's TinyDB state file (JSON)";
        if (!text.StartsWith("SQLite format 3", StringComparison.Ordinal)) return null;
        return IsTracker(path) ? "the Python emx2-hpc-daemon's SQLite tracker" : null;
    }

    /// <summary>Read-only connection that leaves the directory as it was. A database at rest has no -wal: it is read as
    /// immutable, so SQLite creates no -wal or -shm beside it. One with a -wal is in use (or its writer died): it is
    /// read through the WAL so no committed change is missed.</summary>
    public static SqliteConnection OpenReadOnly(string path)
    {
        StateStore.InitialiseSqlite();
        var full = Path.GetFullPath(path);
        var atRest = !File.Exists(full + "-wal");
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = atRest ? new Uri(full).AbsoluteUri + "?immutable=1" : full, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        try
        {
            db.Open();
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static bool IsTracker(string path)
    {
        try
        {
            using var db = OpenReadOnly(path);
            using var cmd = db.CreateCommand();
            // Ours has a meta table and keys tracked_jobs by job_id; the Python tracker has neither.
            cmd.CommandText = "SELECT (SELECT count(*) FROM pragma_table_info('tracked_jobs') WHERE name='emx2_job_id'), " +
                              "(SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta')";
            using var r = cmd.ExecuteReader();
            return r.Read() && r.GetInt64(0) == 1 && r.GetInt64(1) == 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
