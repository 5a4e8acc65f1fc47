using System.Collections.Immutable;
using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Configuration;

/// <summary>How jobs of one (processor, profile) pair run on this cluster. Built from one entry of the
/// <c>profiles</c> mapping; <see cref="Key"/> is that entry's key as written and serves only as a label.</summary>
public sealed record ProfileConfig
{
    /// <summary>The profile a job without one is matched against.</summary>
    public const string DefaultProfileName = "default";

    public required string Key { get; init; }
    public required string Processor { get; init; }
    public required string Profile { get; init; }

    public string? SifImage { get; init; }
    public string? ContainerEntrypoint { get; init; }
    public string? HostEntrypoint { get; init; }

    /// <summary>Derived: a host entrypoint means host mode, otherwise Apptainer. The validator guarantees exactly
    /// one mode is configured.</summary>
    public ExecutionMode Mode => HostEntrypoint is not null ? ExecutionMode.Host : ExecutionMode.Apptainer;

    /// <summary>Null means <see cref="SlurmSettings.DefaultPartition"/>; use <see cref="EffectivePartition"/>.
    /// (In the Python daemon this defaulted to "normal", which made slurm.default_partition dead.)</summary>
    public string? Partition { get; init; }

    /// <summary>Null means <see cref="SlurmSettings.DefaultAccount"/>; use <see cref="EffectiveAccount"/>.</summary>
    public string? Account { get; init; }

    public string? Qos { get; init; }
    public int Cpus { get; init; } = 4;

    /// <summary>Slurm <c>--mem</c> syntax, e.g. 16G.</summary>
    public string Memory { get; init; } = "16G";

    /// <summary>Slurm <c>--time</c> syntax; it is also the job's execution timeout.</summary>
    public string Time { get; init; } = "01:00:00";

    /// <summary>Slurm <c>--gpus</c> value: a count or <c>type:count</c>; null means no GPUs requested.</summary>
    public string? Gpus { get; init; }

    /// <summary>Extra <c>#SBATCH</c> lines, each a validated <c>--option[=value]</c> the daemon does not own.</summary>
    public IReadOnlyList<string> SbatchArgs { get; init; } = ImmutableArray<string>.Empty;

    public Residence OutputResidence { get; init; } = Residence.Managed;
    public Residence LogResidence { get; init; } = Residence.Managed;

    /// <summary>CLAIMED jobs not submitted within this many seconds are failed; ≤ 0 disables the check.</summary>
    public int SubmissionTimeoutSeconds { get; init; } = 300;

    /// <summary>Override of <c>staging.max_output_bytes</c> for this profile; null inherits it.</summary>
    public long? MaxOutputBytes { get; init; }

    /// <summary>Override of <c>staging.max_output_files</c> for this profile; null inherits it.</summary>
    public int? MaxOutputFiles { get; init; }

    /// <summary>Static environment for every job of this profile (names validated). These values win over any a
    /// job supplies for the same name.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Names (or <c>PREFIX_*</c> patterns) a job of this profile may set in <c>parameters.environment</c>.
    /// Empty by default: a job sets nothing the admin did not name (see <see cref="EnvironmentAllowList"/>).</summary>
    public IReadOnlyList<string> AllowedEnvironment { get; init; } = ImmutableArray<string>.Empty;

    public string EffectivePartition(SlurmSettings slurm) => Partition ?? slurm.DefaultPartition;

    public string? EffectiveAccount(SlurmSettings slurm) => Account ?? slurm.DefaultAccount;

    /// <summary>The pair as EMX2 knows it, for messages: <c>processor:profile</c>.</summary>
    public string DisplayName => Processor + ":" + Profile;
}
