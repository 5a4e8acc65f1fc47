namespace Emx2Hpc.Core.Scheduling.Processes;

/// <summary>Finds an executable the way a shell would, but using the PATH we hand to the child rather than
/// the daemon's own (Process.Start would search the parent's PATH), so "not found" is decided once, here, with
/// a message that names the command.</summary>
public static class ExecutableLocator
{
    /// <summary>Full path of <paramref name="fileName"/>, or null. Names containing '/' are taken as paths.</summary>
    public static string? Find(string fileName, string? searchPath)
    {
        if (string.IsNullOrEmpty(fileName)) return null;
        if (fileName.Contains('/')) return IsExecutableFile(fileName) ? Path.GetFullPath(fileName) : null;
        foreach (var dir in (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, fileName);
            if (IsExecutableFile(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>An existing file with an execute bit (always true for existing files on Windows).</summary>
    public static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
