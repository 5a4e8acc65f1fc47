using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Checks;

/// <summary>Checks that need no network: secret, state database, job directories, scheduler tools and each
/// profile's entrypoint or image. Only what the configuration actually uses is demanded (the Python
/// check always wanted apptainer and every Slurm tool).</summary>
public static class LocalChecks
{
    public static readonly IReadOnlyList<string> SlurmTools = ["sbatch", "squeue", "sacct", "scancel"];

    public static IEnumerable<CheckResult> Run(HpcConfig config, bool simulate)
    {
        yield return new CheckResult("config", CheckStatus.Pass,
            $"{config.SourcePath ?? "(built in code)"}: worker {config.Emx2.WorkerId}, {config.Profiles.Count} profiles");
        yield return Secret(config);
        foreach (var exposure in ExposureChecks.Run(config)) yield return exposure;
        yield return StateDatabase(config.Worker.StateDb);
        if (InstanceBinding(config) is { } binding) yield return binding;
        yield return JobsRootCheck.Run(config.Apptainer.TmpDir);
        if (PosixInputCopyCheck.Run(config) is { } posixInputs) yield return posixInputs;
        if (PosixOutputRootCheck.Run(config) is { } posixOutputs) yield return posixOutputs;
        if (config.Profiles.Count == 0)
            yield return new CheckResult("profiles", CheckStatus.Warn, "no profiles configured: this worker advertises no capabilities and claims nothing");
        if (!simulate)
        {
            foreach (var tool in SlurmTools)
                yield return Tool(tool, $"needed to {(tool == "sbatch" ? "submit" : tool == "scancel" ? "cancel" : "monitor")} jobs");
            if (config.Profiles.Any(p => p.Mode == ExecutionMode.Apptainer))
                yield return Tool("apptainer", "needed by Apptainer profiles (looked up on compute nodes too)");
        }
        foreach (var profile in config.Profiles) yield return Profile(profile);
    }

    private static CheckResult Secret(HpcConfig config) => config.Emx2.Secret is null
        ? new CheckResult("secret", CheckStatus.Fail, "no worker secret configured (emx2.worker_secret_file): EMX2 will answer 401")
        : new CheckResult("secret", CheckStatus.Pass,
            $"{config.Emx2.AuthMode.ToString().ToLowerInvariant()} auth, secret from {config.Emx2.SecretFile ?? "inline config"} ({config.Emx2.Secret.Length} characters)");

    private static CheckResult StateDatabase(string path)
    {
        try
        {
            using var store = StateStore.Open(path);
            return new CheckResult("state database", CheckStatus.Pass, $"{store.Path}: {store.ListJobs().Count} tracked jobs, {store.PendingReports().Count} unsent reports");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            return new CheckResult("state database", CheckStatus.Fail, $"{path}: {ex.Message}");
        }
    }

    /// <summary>Reads the host-wide binding without changing it (the first cycle writes it).</summary>
    private static CheckResult? InstanceBinding(HpcConfig config)
    {
        if (config.Worker.InstanceRegistry is not { } root) return null;
        var registry = new InstanceRegistry(root);
        try
        {
            var bound = registry.BoundDatabase(config.Emx2.WorkerId, config.Emx2.BaseUrl);
            if (registry.Accepts(config.Emx2.WorkerId, config.Emx2.BaseUrl, config.Worker.StateDb))
                return new CheckResult("instance", CheckStatus.Pass, bound is null
                    ? $"worker id {config.Emx2.WorkerId} is not bound on this host yet; the first cycle binds it to {config.Worker.StateDb}"
                    : $"worker id {config.Emx2.WorkerId} is served on this host by {config.Worker.StateDb}");
            return new CheckResult("instance", CheckStatus.Fail,
                $"worker id {config.Emx2.WorkerId} is already served on this host by state database {bound}, not {config.Worker.StateDb}: " +
                $"a cycle with this config would be refused ({registry.PathFor(config.Emx2.WorkerId, config.Emx2.BaseUrl)})");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InstanceConflictException)
        {
            return new CheckResult("instance", CheckStatus.Fail, $"instance registry {root}: {ex.Message}");
        }
    }

    private static CheckResult Tool(string name, string why)
    {
        var found = ExecutableLocator.Find(name, Environment.GetEnvironmentVariable("PATH"));
        return found is null
            ? new CheckResult(name, CheckStatus.Fail, $"not found on PATH ({why})")
            : new CheckResult(name, CheckStatus.Pass, found);
    }

    private static CheckResult Profile(ProfileConfig profile)
    {
        var name = $"profile {profile.Processor}:{profile.Profile}";
        if (profile.Mode == ExecutionMode.Host)
            return ExecutableLocator.IsExecutableFile(profile.HostEntrypoint!)
                ? new CheckResult(name, CheckStatus.Pass, $"host entrypoint {profile.HostEntrypoint}")
                : new CheckResult(name, CheckStatus.Warn, $"host entrypoint {profile.HostEntrypoint} is not an executable file on this node (it must exist on compute nodes)");
        var image = profile.SifImage!;
        return File.Exists(image) || Directory.Exists(image)
            ? new CheckResult(name, CheckStatus.Pass, $"apptainer image {image}, entrypoint {profile.ContainerEntrypoint}")
            : new CheckResult(name, CheckStatus.Warn, $"apptainer image {image} not found on this node (it must exist on compute nodes)");
    }
}
