namespace Emx2Hpc.Core.Staging;

/// <summary>One staged input reference. LocalPath is <c>input/&lt;artifact_id&gt;</c> (a directory for managed
/// inputs, a private view of hard links or copies of the checked files for posix ones); a named reference is additionally reachable as
/// <c>input/&lt;name&gt;</c>. Sha256 is the verified content hash, or the artifact's own when it declared none.</summary>
public sealed record StagedInput(string ArtifactId, string? Name, string LocalPath, string Residence, string? Sha256);

/// <summary>Everything <see cref="InputStager"/> staged for one job, in input order.</summary>
public sealed record StagedInputs(IReadOnlyList<StagedInput> Items)
{
    public static readonly StagedInputs None = new([]);

    /// <summary>Distinct artifact ids in input order (provenance for output artifacts).</summary>
    public IReadOnlyList<string> ArtifactIds => Items.Select(i => i.ArtifactId).Distinct(StringComparer.Ordinal).ToList();
}
