using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Rules for one profile entry (the Python daemon validated none of these and failed jobs at
/// submit time instead).</summary>
internal static class ProfileValidator
{
    public static string PathOf(ProfileConfig profile) => KeyPath.Child("profiles", profile.Key);

    public static IEnumerable<ConfigIssue> NameIssues(ProfileConfig profile)
    {
        var path = PathOf(profile);
        if (ProfileKey.CheckName("processor name", profile.Processor) is { } processorProblem) yield return new(path, processorProblem);
        if (ProfileKey.CheckName("profile name", profile.Profile) is { } profileProblem) yield return new(path, profileProblem);
    }

    public static IEnumerable<ConfigIssue> Issues(ProfileConfig profile)
    {
        var path = PathOf(profile);
        string Field(string key) => KeyPath.Child(path, key);

        foreach (var issue in ModeIssues(profile, path)) yield return issue;
        if (profile.MaxOutputBytes is < 1) yield return new(Field("max_output_bytes"), "must be at least 1 (bytes)");
        if (profile.MaxOutputFiles is < 1) yield return new(Field("max_output_files"), "must be at least 1");

        foreach (var (key, value) in new[]
                 {
                     ("host_entrypoint", profile.HostEntrypoint), ("sif_image", profile.SifImage),
                     ("container_entrypoint", profile.ContainerEntrypoint),
                 })
        {
            if (value is null) continue;
            if (!PathRules.IsAbsolutePosix(value)) yield return new(Field(key), $"'{value}' must be an absolute path");
            else if (PathRules.HasControlCharacters(value)) yield return new(Field(key), "path must not contain control characters");
        }

        if (profile.Partition is { } partition && !SlurmSyntax.IsName(partition, allowList: true))
            yield return new(Field("partition"), $"invalid partition name '{partition}'");
        if (profile.Account is { } account && !SlurmSyntax.IsName(account, allowList: false))
            yield return new(Field("account"), $"invalid account name '{account}'");
        if (profile.Qos is { } qos && !SlurmSyntax.IsName(qos, allowList: false))
            yield return new(Field("qos"), $"invalid QOS name '{qos}'");

        if (profile.Cpus < 1) yield return new(Field("cpus"), $"cpus must be at least 1, got {profile.Cpus}");
        if (!SlurmSyntax.IsMemory(profile.Memory))
            yield return new(Field("memory"), $"invalid memory '{profile.Memory}' (expected Slurm syntax such as 16G, 512M)");
        if (!SlurmSyntax.IsTime(profile.Time))
            yield return new(Field("time"),
                $"invalid time '{profile.Time}' (expected Slurm syntax: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S or UNLIMITED)");
        if (profile.Gpus is { } gpus && !SlurmSyntax.IsGpus(gpus))
            yield return new(Field("gpus"), $"invalid gpus '{gpus}' (expected a count such as 2 or type:count such as a100:2)");

        for (var i = 0; i < profile.SbatchArgs.Count; i++)
            if (SbatchArgRules.Check(profile.SbatchArgs[i]) is { } problem)
                yield return new(KeyPath.Index(Field("sbatch_args"), i), problem);

        for (var i = 0; i < profile.AllowedEnvironment.Count; i++)
            if (EnvironmentAllowList.Check(profile.AllowedEnvironment[i]) is { } problem)
                yield return new(KeyPath.Index(Field("allowed_environment"), i), problem);

        foreach (var (name, value) in profile.Environment)
        {
            var envPath = KeyPath.Child(Field("environment"), name);
            if (!PathRules.IsEnvironmentName(name))
                yield return new(envPath, $"invalid environment variable name '{name}' (expected letters, digits and _, not starting with a digit)");
            if (value.Contains('\0')) yield return new(envPath, "environment value must not contain NUL characters");
        }
    }

    /// <summary>Exactly one execution mode: a host entrypoint, or an image plus the entrypoint inside it.</summary>
    private static IEnumerable<ConfigIssue> ModeIssues(ProfileConfig profile, string path)
    {
        var host = profile.HostEntrypoint is not null;
        var image = profile.SifImage is not null;
        var inner = profile.ContainerEntrypoint is not null;

        if (host && (image || inner))
            yield return new(path, "both execution modes are configured; set either host_entrypoint, or sif_image with container_entrypoint");
        else if (!host && !image && !inner)
            yield return new(path, "no execution mode configured; set host_entrypoint, or sif_image with container_entrypoint");
        else if (image && !inner)
            yield return new(path, "sif_image needs container_entrypoint (the executable to run inside the image; older Python daemons ran the job's parameters.command instead, which this worker refuses as arbitrary shell)");
        else if (inner && !image)
            yield return new(path, "container_entrypoint needs sif_image");
    }

    /// <summary>Two entries for one (processor, profile) would make lookup depend on file order.</summary>
    public static IEnumerable<ConfigIssue> DuplicateIssues(IReadOnlyList<ProfileConfig> profiles)
    {
        var seen = new Dictionary<(string, string), ProfileConfig>();
        foreach (var profile in profiles)
        {
            if (seen.TryGetValue((profile.Processor, profile.Profile), out var first))
                yield return new(PathOf(profile),
                    $"duplicate profile: processor '{profile.Processor}' profile '{profile.Profile}' is already defined by {PathOf(first)}");
            else seen.Add((profile.Processor, profile.Profile), profile);
        }
    }
}
