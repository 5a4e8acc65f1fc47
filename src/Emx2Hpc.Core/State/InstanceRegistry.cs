using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.State;

/// <summary>The host-wide record of which state database serves a worker id. A worker id names one worker to EMX2,
/// and everything the daemon knows about that worker's jobs is in one state database; a second database on the
/// same host (a cron line and an interactive pwsh with different HOMEs, a copied config with another state_db, a
/// `sudo` run) would treat the first one's claimed jobs as its own crash leftovers and submit them again.
///
/// One small file per (EMX2 server, worker id) under a fixed directory (<c>worker.instance_registry</c>, default
/// /var/lib/emx2-hpc/instances — the same for every user and environment) names the state database bound to it.
/// The same database path is always accepted, so a restart after kill -9 or a reboot, or a database recreated
/// after corruption or deletion at the same path, is never refused. A different path is refused before anything
/// is claimed or adopted, unless the bound database no longer exists (then the binding is stale and moves, with a
/// warning). Worker ids are scoped by EMX2 server: the key includes the base URL.</summary>
public sealed class InstanceRegistry(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public sealed record Binding(
        [property: JsonPropertyName("worker_id")] string WorkerId,
        [property: JsonPropertyName("emx2")] string Emx2,
        [property: JsonPropertyName("state_db")] string StateDb,
        [property: JsonPropertyName("host")] string Host,
        [property: JsonPropertyName("pid")] int Pid,
        [property: JsonPropertyName("bound_utc")] DateTimeOffset BoundUtc);

    /// <summary>The file that binds <paramref name="workerId"/> at <paramref name="emx2"/>: a readable, safe name plus a
    /// hash of the exact pair, so ids differing only in unsafe characters never share a file.</summary>
    public string PathFor(string workerId, Uri emx2)
    {
        var safe = new string(workerId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').Take(64).ToArray());
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(emx2.AbsoluteUri + "\n" + workerId)))[..16].ToLowerInvariant();
        return Path.Combine(Root, $"{(safe.Trim('.').Length == 0 ? "_" : safe)}-{hash}.binding");
    }

    /// <summary>Binds the worker id to <paramref name="stateDb"/>, or confirms it is already bound to it. Throws
    /// <see cref="InstanceConflictException"/> when another existing state database holds the binding. Returns a
    /// warning when a stale binding (its database is gone) was taken over.</summary>
    public string? Claim(string workerId, Uri emx2, string stateDb)
    {
        var database = Path.GetFullPath(stateDb);
        Directory.CreateDirectory(Root);
        var file = PathFor(workerId, emx2);
        // Serialises two first runs racing for the same binding; the kernel frees the flock if we die.
        using var guard = new FileStream(file + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var existing = Read(file);
        if (existing is not null && SameDatabase(existing.StateDb, database)) return null;
        string? warning = null;
        if (existing is not null)
        {
            if (File.Exists(existing.StateDb))
                throw new InstanceConflictException(
                    $"worker id '{workerId}' at {emx2} is already served on this host by state database {existing.StateDb} " +
                    $"(bound {existing.BoundUtc:u} by pid {existing.Pid} on {existing.Host}); this run uses {database}. Two state databases " +
                    "for one worker id would each take the other's jobs for crash leftovers and run them twice. Point worker.state_db at " +
                    $"{existing.StateDb}, give this instance its own worker id, or, if that instance is retired for good, delete {file}");
            warning = $"worker id '{workerId}' was bound to {existing.StateDb}, which no longer exists; binding it to {database}";
        }
        Write(file, new Binding(workerId, emx2.AbsoluteUri, database, Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow));
        return warning;
    }

    /// <summary>Read-only, for <c>check</c>: the state database currently bound to the worker id, or null.</summary>
    public string? BoundDatabase(string workerId, Uri emx2) => Read(PathFor(workerId, emx2))?.StateDb;

    /// <summary>True when <paramref name="stateDb"/> is the bound database, or nothing (or a vanished one) is bound.</summary>
    public bool Accepts(string workerId, Uri emx2, string stateDb) =>
        BoundDatabase(workerId, emx2) is not { } bound || SameDatabase(bound, Path.GetFullPath(stateDb)) || !File.Exists(bound);

    private static bool SameDatabase(string a, string b) =>
        string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);

    /// <summary>The database path with its directory's links resolved, so /var/lib/x and a link to it are one database.</summary>
    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (dir is null || !Directory.Exists(dir)) return full;
        try { return Path.Combine(FileSystem.RealPath.Resolve(dir), Path.GetFileName(full)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return full; }
    }

    private static Binding? Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file), LocalJsonContext.Default.Binding);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException) { return null; }
        catch (JsonException ex)
        {
            throw new InstanceConflictException($"instance binding {file} is unreadable ({ex.Message}); check it, or delete it to bind again");
        }
    }

    /// <summary>Written to a temporary name and renamed, so a reader never sees half a record.</summary>
    private static void Write(string file, Binding binding)
    {
        var temp = $"{file}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(binding, LocalJsonContext.Default.Binding));
        File.Move(temp, file, overwrite: true);
    }
}
