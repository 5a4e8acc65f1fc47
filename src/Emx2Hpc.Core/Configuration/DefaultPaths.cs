namespace Emx2Hpc.Core.Configuration;

/// <summary>Default on-disk locations. Fixed paths, never derived from HOME or XDG_STATE_HOME: cron, `sudo` and an
/// interactive shell see different values of those, and each would otherwise open its own state database for the
/// same worker id (two instances that take each other's jobs for crash leftovers). The service user needs
/// /var/lib/emx2-hpc once (install -d -o hpc -m 700 /var/lib/emx2-hpc); set worker.state_db to put state elsewhere.</summary>
internal static class DefaultPaths
{
    public const string StateRoot = "/var/lib/emx2-hpc";

    /// <summary>Host-wide instance bindings (one worker id, one state database), whatever state_db says.</summary>
    public const string InstanceRegistry = StateRoot + "/instances";

    public static string StateDb(string workerId) => Path.Combine(StateRoot, DirectoryNameFor(workerId), "state.db");

    /// <summary>Worker ids are free strings server-side; keep the directory name a single safe path segment.
    /// Distinct ids that differ only in unsafe characters would share a directory, which is accepted as
    /// unlikely (set worker.state_db explicitly for such ids).</summary>
    internal static string DirectoryNameFor(string workerId)
    {
        var chars = workerId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray();
        var name = new string(chars);
        return name is "" or "." or ".." ? "_" : name;
    }
}
