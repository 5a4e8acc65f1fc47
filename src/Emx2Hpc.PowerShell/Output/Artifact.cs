namespace Emx2Hpc;

/// <summary>An EMX2 artifact (Send-HpcArtifact). Pipes into Receive-HpcArtifact by ArtifactId.</summary>
public sealed class Artifact
{
    public string ArtifactId { get; init; } = "";
    public string? Name { get; init; }
    public string? Type { get; init; }
    public ArtifactResidence Residence { get; init; }
    public ArtifactStatus Status { get; init; }
    /// <summary>The tree hash EMX2 verified at commit.</summary>
    public string? Sha256 { get; init; }
    public long? SizeBytes { get; init; }
    /// <summary>Where posix (file://) or external content lives; null for managed artifacts.</summary>
    public string? ContentUrl { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? CommittedAt { get; init; }
}
