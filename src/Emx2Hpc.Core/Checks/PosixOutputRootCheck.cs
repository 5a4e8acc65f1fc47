using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Checks;

/// <summary>`check` for staging.posix_output_root, when a profile publishes posix-residence results: the root is created
/// 0700 if missing, then must be owned by the service account and not writable by group or others (the same test made
/// before every move). Left unset, results go to a default beside the state database that only this account can read:
/// it works, but EMX2 then hands out file:// URLs nobody else can open, so that is a warning.</summary>
internal static class PosixOutputRootCheck
{
    private const string Name = "posix output root";

    public static CheckResult? Run(HpcConfig config)
    {
        var posix = config.Profiles.Where(p => p.OutputResidence == Residence.Posix || p.LogResidence == Residence.Posix)
            .Select(p => p.Key).ToList();
        if (posix.Count == 0) return null;
        var root = config.Staging.PosixOutputRoot;
        if (PosixOutputRoot.Ensure(root) is { } problem) return new CheckResult(Name, CheckStatus.Fail, problem);
        var retention = config.Staging.PosixOutputRetentionDays == 0
            ? "kept until removed by an administrator"
            : $"removed {config.Staging.PosixOutputRetentionDays} days after they were placed there";
        if (!config.Staging.PosixOutputRootConfigured)
            return new CheckResult(Name, CheckStatus.Warn,
                $"staging.posix_output_root is not set: posix results of profile(s) {string.Join(", ", posix)} are kept in {root} ({retention}), " +
                "beside the state database; set it to a durable directory on the cluster file system");
        return new CheckResult(Name, CheckStatus.Pass,
            $"{root} is owned by this account and not writable by others; posix results of {string.Join(", ", posix)} are {retention}");
    }
}
