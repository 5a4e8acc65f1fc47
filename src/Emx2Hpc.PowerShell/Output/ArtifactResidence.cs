namespace Emx2Hpc;

/// <summary>Where an artifact's bytes live: Managed in EMX2, Posix on the cluster filesystem (only paths and hashes
/// registered), or elsewhere (S3, Http, Reference).</summary>
public enum ArtifactResidence
{
    /// <summary>A residence this version of the module does not know (a newer EMX2).</summary>
    Unknown = 0,
    Managed,
    Posix,
    S3,
    Http,
    Reference,
}
