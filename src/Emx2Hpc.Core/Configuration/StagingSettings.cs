using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>staging</c> section. Posix inputs are symlinked into the job, so only paths under an allowed
/// root may be linked (the Python daemon linked any readable path).</summary>
public sealed record StagingSettings
{
    /// <summary>Absolute, normalised, without trailing slash (except "/" itself). Empty means posix inputs are refused.</summary>
    public IReadOnlyList<string> AllowedPosixRoots { get; init; } = ImmutableArray<string>.Empty;
}
