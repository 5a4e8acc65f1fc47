namespace Emx2Hpc.Core.Protocol;

/// <summary>HATEOAS relations the server attaches per status (hpc-protocol.json jobLinksByStatus /
/// artifactLinksByStatus), in the server's insertion order.</summary>
public static class LinkRelations
{
    public static IReadOnlyList<string> ForJob(string status) => status switch
    {
        JobStatus.Claimed => ["self", "submit", "cancel", "transitions"],
        JobStatus.Submitted => ["self", "start", "cancel", "transitions"],
        JobStatus.Started => ["self", "complete", "fail", "cancel", "transitions"],
        JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled => ["self", "transitions"],
        // Unknown stored statuses get PENDING links, as on the server.
        _ => ["self", "claim", "cancel", "transitions"],
    };

    public static IReadOnlyList<string> ForArtifact(string status) => status switch
    {
        ArtifactStatus.Created => ["self", "upload", "files"],
        ArtifactStatus.Uploading => ["self", "upload", "commit", "files"],
        ArtifactStatus.Registered => ["self", "commit", "files"],
        ArtifactStatus.Committed => ["self", "download", "files"],
        _ => ["self", "files"],
    };
}
