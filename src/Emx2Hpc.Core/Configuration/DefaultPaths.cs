namespace Emx2Hpc.Core.Configuration;

/// <summary>Default on-disk locations, following the XDG base directory spec for state.</summary>
internal static class DefaultPaths
{
    public static string StateDb(string workerId, Func<string, string?> env)
        => Path.Combine(StateHome(env), "emx2-hpc", DirectoryNameFor(workerId), "state.db");

    private static string StateHome(Func<string, string?> env)
    {
        // The spec says relative XDG paths are invalid and must be ignored.
        var xdg = env("XDG_STATE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg)) return xdg;

        var home = env("HOME");
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        // A service account without a home directory still needs somewhere stable.
        return string.IsNullOrWhiteSpace(home) ? "/var/lib" : Path.Combine(home, ".local", "state");
    }

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
