using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Checks;

/// <summary>`check` for posix inputs: a job's view of them is made of hard links when the jobs root shares a file system
/// with the allowed root, and of copies (counted against staging.max_posix_copy_bytes) when it does not. An
/// administrator should learn that from `check`, not from a refused job.</summary>
internal static class PosixInputCopyCheck
{
    private const string Name = "posix inputs";

    public static CheckResult? Run(HpcConfig config)
    {
        var roots = config.Staging.AllowedPosixRoots;
        if (roots.Count == 0 || OperatingSystem.IsWindows()) return null;
        ulong jobs;
        try
        {
            jobs = DeviceOf(config.Apptainer.TmpDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return null; // the jobs directory check reports it
        }
        var copied = new List<string>();
        var missing = new List<string>();
        foreach (var root in roots)
        {
            try
            {
                if (DeviceOf(root) != jobs) copied.Add(root);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                missing.Add($"{root} ({e.Message})");
            }
        }
        var limit = config.Staging.MaxPosixCopyBytes;
        if (missing.Count > 0)
            return new CheckResult(Name, CheckStatus.Warn, $"allowed posix roots not readable here: {string.Join("; ", missing)}");
        if (copied.Count > 0)
            return new CheckResult(Name, CheckStatus.Warn,
                $"{string.Join(", ", copied)} {(copied.Count == 1 ? "is" : "are")} on another file system than the jobs root " +
                $"{config.Apptainer.TmpDir}: inputs from there are copied into each job, at most {limit} bytes per job " +
                "(staging.max_posix_copy_bytes); put the jobs root on the same file system to hard-link them instead");
        return new CheckResult(Name, CheckStatus.Pass,
            $"allowed roots share the jobs root's file system: inputs are hard-linked into jobs (no copies)");
    }

    private static ulong DeviceOf(string path)
    {
        using var dir = DirectoryHandle.Open(path, followLinks: true);
        return dir.Status().Device;
    }
}
