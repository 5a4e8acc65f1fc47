namespace Emx2Hpc.Core.Checks;

/// <summary>Finds an executable on PATH the way a shell would, without running a shell.</summary>
public static class ExecutableLookup
{
    public static string? Find(string name, string? pathVariable = null)
    {
        if (name.Contains('/')) return IsExecutable(name) ? name : null;
        foreach (var dir in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    public static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
