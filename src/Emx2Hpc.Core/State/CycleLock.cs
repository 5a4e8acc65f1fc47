using System.Diagnostics;
using System.Globalization;

namespace Emx2Hpc.Core.State;

/// <summary>One cycle at a time per state database (overlapping cron runs double-processed jobs).
/// The lock is an exclusive open of "&lt;state_db&gt;.lock"; .NET maps FileShare.None to an advisory flock on
/// Unix, which the kernel drops when the holder dies — so a kill -9 never leaves a lock that blocks the next
/// run. The file also records the holder's pid and start time so a refusal can say who holds it, and a
/// leftover record from a dead process is reported as stale (informational only: the kernel already freed it).</summary>
public sealed class CycleLock : IDisposable
{
    private readonly FileStream _stream;
    public string Path { get; }
    /// <summary>Holder record found in the file when we acquired it, if it named a process that no longer runs.</summary>
    public string? StaleHolder { get; }

    private CycleLock(string path, FileStream stream, string? stale) { Path = path; _stream = stream; StaleHolder = stale; }

    public static string PathFor(string stateDbPath) => stateDbPath + ".lock";

    /// <summary>Tries for up to <paramref name="wait"/>; returns null if another live process holds the lock.</summary>
    public static CycleLock? TryAcquire(string lockPath, TimeSpan wait, out string? holder)
    {
        var (acquired, who) = TryAcquireAsync(lockPath, wait, CancellationToken.None).GetAwaiter().GetResult();
        holder = who;
        return acquired;
    }

    /// <summary>As <see cref="TryAcquire"/>, waiting without blocking a thread.</summary>
    public static async Task<(CycleLock? Lock, string? Holder)> TryAcquireAsync(string lockPath, TimeSpan wait, CancellationToken ct)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(lockPath))!);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var previous = ReadHolder(lockPath);
                var stale = previous is not null && !IsAlive(previous) ? previous : null; // a clean exit deletes the record
                File.WriteAllText(OwnerPath(lockPath), string.Create(CultureInfo.InvariantCulture,
                    $"pid={Environment.ProcessId} host={Environment.MachineName} since={DateTimeOffset.UtcNow:O}\n"));
                return (new CycleLock(lockPath, stream, stale), null);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return (null, ReadHolder(lockPath));
            }
        }
    }

    /// <summary>When the holder named in <paramref name="holder"/> (a record as returned on refusal) took the lock;
    /// null when the record does not say.</summary>
    public static DateTimeOffset? HeldSince(string? holder)
    {
        var part = holder?.Split(' ').FirstOrDefault(p => p.StartsWith("since=", StringComparison.Ordinal));
        return part is not null && DateTimeOffset.TryParse(part[6..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
            ? since : null;
    }

    private static string OwnerPath(string lockPath) => lockPath + ".owner";

    /// <summary>The holder record ("pid=… host=… since=…") of whoever holds or last died holding the lock; null
    /// when nobody does. Read without touching the lock itself, so `status` never makes a starting cycle skip.</summary>
    public static string? ReadHolder(string lockPath)
    {
        try
        {
            var text = File.ReadAllText(OwnerPath(lockPath)).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static bool IsAlive(string record)
    {
        var pidPart = record.Split(' ').FirstOrDefault(p => p.StartsWith("pid=", StringComparison.Ordinal));
        if (pidPart is null || !int.TryParse(pidPart[4..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)) return false;
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A clean exit removes the owner record first, so a record found by the next holder can only have
    /// been left by a process that died while holding the lock.</summary>
    public void Dispose()
    {
        try { File.Delete(OwnerPath(Path)); } catch (IOException) { }
        _stream.Dispose();
    }
}
