namespace Emx2Hpc;

/// <summary>What Receive-HpcArtifact downloaded: every file of one artifact, checked against EMX2's SHA-256, under
/// FullName (which binds to Send-HpcArtifact -Path).</summary>
public sealed class ArtifactDownload
{
    public string ArtifactId { get; init; } = "";
    /// <summary>The local directory the files are in (their paths inside the artifact are kept below it).</summary>
    public string FullName { get; init; } = "";
    public int FileCount { get; init; }
    public long SizeBytes { get; init; }
}
