namespace Emx2Hpc.Core.Operations;

/// <summary>Result of Receive-HpcArtifact.</summary>
public sealed record DownloadSummary
{
    public required string ArtifactId { get; init; }
    public required string Directory { get; init; }
    public int Files { get; init; }
    public long Bytes { get; init; }
}
