using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The whole worker configuration, immutable once loaded. Built by <see cref="HpcConfigLoader"/> from
/// YAML, or directly in code (tests, the <c>demo</c> command); code-built configs can be checked with
/// <see cref="HpcConfigValidator"/>.</summary>
public sealed record HpcConfig
{
    public Emx2Settings Emx2 { get; init; } = new();
    public WorkerSettings Worker { get; init; } = new();
    public SlurmSettings Slurm { get; init; } = new();
    public IReadOnlyList<ProfileConfig> Profiles { get; init; } = ImmutableArray<ProfileConfig>.Empty;
    public ApptainerSettings Apptainer { get; init; } = new();
    public StagingSettings Staging { get; init; } = new();
    public MetricsSettings Metrics { get; init; } = new();
    public AuditSettings Audit { get; init; } = new();
    public StatusSettings Status { get; init; } = new();

    /// <summary>Full path of the file this was loaded from (or the source name given to LoadText); null when built in code.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Older Python-daemon key names this file used; empty for a current file or a config built in code.</summary>
    public IReadOnlyList<ConfigDeprecation> Deprecations { get; init; } = ImmutableArray<ConfigDeprecation>.Empty;

    /// <summary>Exact lookup on (processor, profile), ordinal. EMX2 jobs without a profile ask for
    /// <see cref="ProfileConfig.DefaultProfileName"/>, like the server and the Python daemon do.</summary>
    public ProfileConfig? FindProfile(string processor, string? profile)
    {
        var wanted = string.IsNullOrWhiteSpace(profile) ? ProfileConfig.DefaultProfileName : profile;
        foreach (var candidate in Profiles)
            if (string.Equals(candidate.Processor, processor, StringComparison.Ordinal)
                && string.Equals(candidate.Profile, wanted, StringComparison.Ordinal))
                return candidate;
        return null;
    }

    /// <summary>Human-readable lines for the <c>check</c> command; never contains the secret.</summary>
    public IReadOnlyList<string> Describe() => ConfigSummary.Describe(this);
}
