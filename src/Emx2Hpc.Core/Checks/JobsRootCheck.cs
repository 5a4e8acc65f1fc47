using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Checks;

/// <summary>`check` for the jobs root: created 0700 if missing, then it must be a directory owned by the service
/// account with no group or other permissions (the same test every cycle makes before staging), and writable.</summary>
internal static class JobsRootCheck
{
    public static CheckResult Run(string path)
    {
        if (JobsRoot.Ensure(path) is { } problem) return new CheckResult("jobs directory", CheckStatus.Fail, problem);
        try
        {
            var probe = Path.Combine(path, $".emx2-hpc-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new CheckResult("jobs directory", CheckStatus.Fail, $"{path}: {ex.Message}");
        }
        return new CheckResult("jobs directory", CheckStatus.Pass, $"{path} is owned by this account, private (0700) and writable");
    }
}
