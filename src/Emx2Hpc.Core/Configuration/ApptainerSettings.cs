using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>apptainer</c> section. Despite its name, <see cref="TmpDir"/> is the root of every per-job
/// directory in both execution modes (kept for compatibility with the Python daemon's key); it must be visible
/// to compute nodes because Slurm writes job logs there.</summary>
public sealed record ApptainerSettings
{
    public const string DefaultTmpDir = "/tmp/emx2-hpc";

    /// <summary><c>src[:dst[:opts]]</c> entries passed to <c>apptainer --bind</c>, validated (absolute src, no commas).</summary>
    public IReadOnlyList<string> BindPaths { get; init; } = ImmutableArray<string>.Empty;

    public string TmpDir { get; init; } = DefaultTmpDir;
}
