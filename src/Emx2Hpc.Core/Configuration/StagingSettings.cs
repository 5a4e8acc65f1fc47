using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>staging</c> section. Posix inputs are symlinked into the job, so only paths under an allowed
/// root may be linked (the Python daemon linked any readable path).</summary>
public sealed record StagingSettings
{
    /// <summary>Absolute, normalised, without trailing slash (except "/" itself). Empty means posix inputs are refused.</summary>
    public IReadOnlyList<string> AllowedPosixRoots { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Most bytes (logical sizes, sparse files in full) a job may leave in output/; a profile may override it.</summary>
    public long MaxOutputBytes { get; init; } = Staging.OutputLimits.DefaultMaxBytes;

    /// <summary>Most files and directories a job may leave in output/; a profile may override it.</summary>
    public int MaxOutputFiles { get; init; } = Staging.OutputLimits.DefaultMaxFiles;
}
