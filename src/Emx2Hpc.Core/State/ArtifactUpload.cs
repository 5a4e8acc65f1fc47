namespace Emx2Hpc.Core.State;

public enum ArtifactRole { Output, Log }

/// <summary>Progress of one result artifact. The row exists (state Creating) before POST /artifacts, gets the
/// id as soon as EMX2 answers, and remembers each uploaded file so a restart resumes instead of starting a
/// second artifact (the Python daemon created a fresh one after a crash).</summary>
public enum UploadState { Creating, Created, Committed }

public sealed record ArtifactUpload
{
    public required string JobId { get; init; }
    public required ArtifactRole Role { get; init; }
    public string? ArtifactId { get; init; }
    public required string Residence { get; init; }
    public UploadState State { get; init; }
    public string? TreeSha256 { get; init; }
    public long SizeBytes { get; init; }
    public int FileCount { get; init; }
}
