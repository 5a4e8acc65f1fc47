using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads one entry of the <c>profiles</c> mapping. Returns null only when the entry has no usable
/// (processor, profile) identity; its other fields are still checked so all problems surface in one pass.</summary>
internal static class ProfileEntryReader
{
    public static ProfileConfig? Read(LoadContext ctx, MappingReader.Entry entry)
    {
        var fields = MappingReader.Open(ctx, entry.Value, entry.Path, ConfigKeys.Profile, entry.KeyNode.Start);
        var identity = ReadIdentity(ctx, entry, fields);
        var legacy = ReadLegacyOnly(ctx, fields);
        var defaults = new ProfileConfig { Key = entry.Key, Processor = "", Profile = "" };

        var profile = defaults with
        {
            Processor = identity?.Processor ?? "",
            Profile = identity?.Profile ?? "",
            SifImage = fields.OptionalString("sif_image"),
            ContainerEntrypoint = fields.OptionalString("container_entrypoint"),
            HostEntrypoint = Text(ctx, fields, "host_entrypoint", "entrypoint", "the older name of the host script; same meaning"),
            Partition = fields.OptionalString("partition"),
            Account = fields.OptionalString("account"),
            Qos = fields.OptionalString("qos"),
            Cpus = fields.Int("cpus", defaults.Cpus),
            Memory = fields.String("memory")?.Trim() ?? defaults.Memory,
            Time = fields.String("time")?.Trim() ?? defaults.Time,
            Gpus = fields.OptionalString("gpus")?.Trim(),
            SbatchArgs = fields.StringList(LegacyKeys.Pick(ctx, fields, "sbatch_args", "extra_args", "same meaning")?.Key ?? "sbatch_args")
                ?.Select(i => i.Value).ToImmutableArray() ?? defaults.SbatchArgs,
            OutputResidence = Residence(fields, "output_residence", legacy, defaults.OutputResidence),
            LogResidence = Residence(fields, "log_residence", legacy, defaults.LogResidence),
            SubmissionTimeoutSeconds = fields.Int(LegacyKeys.Pick(ctx, fields, "submission_timeout_seconds", "claim_timeout_seconds",
                "now counted only until the job reaches Slurm; a job queued in Slurm is no longer failed by it")?.Key ?? "submission_timeout_seconds",
                defaults.SubmissionTimeoutSeconds),
            MaxOutputBytes = fields.OptionalLong("max_output_bytes"),
            MaxOutputFiles = fields.OptionalInt("max_output_files"),
            Environment = ReadEnvironment(ctx, fields),
            AllowedEnvironment = fields.StringList("allowed_environment")?.Select(i => i.Value).ToImmutableArray() ?? defaults.AllowedEnvironment,
        };

        // Checked here for entries that will not be in the final list; HpcConfigValidator covers the rest.
        if (identity is null)
            foreach (var issue in ProfileValidator.Issues(profile)) ctx.Report(issue);
        return identity is null ? null : profile;
    }

    /// <summary>The oldest generation's one artifact_residence (for both results) and execution_timeout_seconds, which
    /// has no equivalent: Slurm's --time (the profile's time) and the job's own timeout_seconds bound execution.</summary>
    private static Configuration.Residence? ReadLegacyOnly(LoadContext ctx, MappingReader fields)
    {
        if (fields.Find("execution_timeout_seconds") is { } execution)
        {
            fields.Int("execution_timeout_seconds", 0);
            ctx.Deprecated(execution, "time", "no longer used: the profile's time (Slurm --time) and the job's timeout_seconds bound execution");
        }
        if (fields.Find("artifact_residence") is not { } residence) return null;
        ctx.Deprecated(residence, "output_residence and log_residence", "it set both");
        return ScalarReader.Choice<Configuration.Residence>(ctx, residence.Value, residence.Path);
    }

    private static Configuration.Residence Residence(MappingReader fields, string key, Configuration.Residence? legacy,
        Configuration.Residence fallback) =>
        fields.Find(key) is null && legacy is { } old ? old : fields.Choice(key, fallback);

    private static string? Text(LoadContext ctx, MappingReader fields, string key, string oldKey, string note) =>
        LegacyKeys.Pick(ctx, fields, key, oldKey, note) is { } entry ? fields.OptionalString(entry.Key) : null;

    /// <summary>Explicit processor/profile fields win over the key (the unambiguous form for names containing
    /// '/' or ending in ':'); otherwise the key is split per <see cref="ProfileKey"/>.</summary>
    private static (string Processor, string Profile)? ReadIdentity(LoadContext ctx, MappingReader.Entry entry, MappingReader fields)
    {
        var processorField = fields.Find("processor");
        var profileField = fields.Find("profile");
        if (processorField is { } processorEntry && profileField is { } profileEntry)
        {
            var processor = fields.String("processor");
            var profile = fields.String("profile");
            if (processor is null || profile is null) return null;
            var ok = CheckName(ctx, processorEntry, "processor name", processor) & CheckName(ctx, profileEntry, "profile name", profile);
            return ok ? (processor, profile) : null;
        }
        if (processorField is not null || profileField is not null)
        {
            ctx.Error(entry.KeyNode.Start, entry.Path, "give both 'processor' and 'profile' fields, or neither (then the key is split)");
            return null;
        }

        if (!ProfileKey.TrySplit(entry.Key, out var keyProcessor, out var keyProfile))
        {
            ctx.Error(entry.KeyNode.Start, entry.Path,
                $"cannot split '{entry.Key}' into processor and profile; write 'processor:profile' or 'processor/profile', "
                + "or give explicit 'processor' and 'profile' fields");
            return null;
        }
        var problem = ProfileKey.CheckName("processor name", keyProcessor) ?? ProfileKey.CheckName("profile name", keyProfile);
        if (problem is not null)
        {
            ctx.Error(entry.KeyNode.Start, entry.Path, problem);
            return null;
        }
        return (keyProcessor, keyProfile);
    }

    private static bool CheckName(LoadContext ctx, MappingReader.Entry field, string what, string name)
    {
        if (ProfileKey.CheckName(what, name) is not { } problem) return true;
        ctx.Error(field.Value.Start, field.Path, problem);
        return false;
    }

    /// <summary>Values must be scalars; a null value is refused because "unset" and "empty" differ for programs
    /// (quote '' for an empty value). Names are checked by the validator.</summary>
    private static IReadOnlyDictionary<string, string> ReadEnvironment(LoadContext ctx, MappingReader fields)
    {
        var environment = fields.Mapping("environment", knownKeys: null);
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var variable in environment.Entries)
        {
            if (YamlNodes.IsNull(variable.Value))
            {
                ctx.Error(variable.KeyNode.Start, variable.Path, $"environment variable '{variable.Key}' has no value (write '' for an empty value)");
                continue;
            }
            if (ScalarReader.Text(ctx, variable.Value, variable.Path, "a single value") is { } value) result[variable.Key] = value;
        }
        return result.ToImmutable();
    }
}
