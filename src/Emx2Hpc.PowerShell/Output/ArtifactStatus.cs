namespace Emx2Hpc;

/// <summary>An EMX2 artifact's status: files go in while CREATED/UPLOADING (managed) or REGISTERED (posix); a
/// COMMITTED artifact is complete and immutable.</summary>
public enum ArtifactStatus
{
    /// <summary>A status this version of the module does not know (a newer EMX2).</summary>
    Unknown = 0,
    Created,
    Uploading,
    Registered,
    Committed,
    Failed,
}
