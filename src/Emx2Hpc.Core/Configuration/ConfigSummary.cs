using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Configuration;

/// <summary>What the <c>check</c> command prints about a loaded config: enough to confirm the file says what
/// the admin meant, and never the secret itself (only whether one is configured and where from).</summary>
public static class ConfigSummary
{
    public static IReadOnlyList<string> Describe(HpcConfig config)
    {
        var lines = new List<string>
        {
            $"config: {config.SourcePath ?? "(in-memory config)"}",
            $"emx2 base url: {config.Emx2.BaseUrl}",
            $"worker id: {config.Emx2.WorkerId}",
            $"auth mode: {config.Emx2.AuthMode.ToString().ToLowerInvariant()}",
            $"secret: {DescribeSecret(config.Emx2)}",
            $"state db: {config.Worker.StateDb}",
            $"worker: poll every {config.Worker.PollIntervalSeconds}s, at most {config.Worker.MaxConcurrentJobs} concurrent jobs, "
            + $"heartbeat every {config.Worker.HeartbeatIntervalSeconds}s, queue reports "
            + (config.Worker.QueueReportIntervalSeconds > 0 ? $"every {config.Worker.QueueReportIntervalSeconds}s" : "disabled"),
            $"slurm: default partition {config.Slurm.DefaultPartition}, default account {config.Slurm.DefaultAccount ?? "(none)"}",
            $"job directories: {config.Apptainer.TmpDir}",
            $"apptainer binds: {(config.Apptainer.BindPaths.Count == 0 ? "(none)" : string.Join(", ", config.Apptainer.BindPaths))}",
            $"allowed posix roots: {(config.Staging.AllowedPosixRoots.Count == 0 ? "(none: posix inputs are refused)" : string.Join(", ", config.Staging.AllowedPosixRoots))}",
            $"profiles: {config.Profiles.Count}",
        };
        lines.AddRange(config.Profiles.Select(p => "  " + DescribeProfile(p, config.Slurm)));
        return lines;
    }

    public static string DescribeProfile(ProfileConfig profile, SlurmSettings slurm)
    {
        var run = profile.Mode == ExecutionMode.Host
            ? $"host {profile.HostEntrypoint}"
            : $"apptainer {profile.SifImage} {profile.ContainerEntrypoint}";
        var resources = new List<string>
        {
            profile.EffectivePartition(slurm),
            $"{profile.Cpus} cpu",
            profile.Memory,
            profile.Time,
        };
        if (profile.Gpus is not null) resources.Add($"gpus={profile.Gpus}");
        if (profile.EffectiveAccount(slurm) is { } account) resources.Add($"account={account}");
        if (profile.Qos is not null) resources.Add($"qos={profile.Qos}");
        resources.Add($"output={Lower(profile.OutputResidence)}");
        resources.Add($"log={Lower(profile.LogResidence)}");
        return $"{profile.DisplayName} → {run} ({string.Join(", ", resources)})";
    }

    private static string DescribeSecret(Emx2Settings emx2)
        => emx2.Secret is null ? "NOT configured"
            : emx2.SecretFile is not null ? $"configured, from file {emx2.SecretFile}"
            : "configured, inline in the config file";

    private static string Lower(Residence residence) => residence.ToString().ToLowerInvariant();
}
