namespace Emx2Hpc.Core.Protocol;

/// <summary>Artifact lifecycle: managed CREATED → UPLOADING → COMMITTED; external REGISTERED → COMMITTED.</summary>
public static class ArtifactStatus
{
    public const string Created = "CREATED";
    public const string Uploading = "UPLOADING";
    public const string Registered = "REGISTERED";
    public const string Committed = "COMMITTED";
    public const string Failed = "FAILED";

    public static readonly IReadOnlyList<string> All = [Created, Uploading, Registered, Committed, Failed];

    private static readonly Dictionary<string, string[]> Edges = new(StringComparer.Ordinal)
    {
        [Created] = [Uploading, Failed],
        [Uploading] = [Committed, Failed],
        [Registered] = [Committed, Failed],
        [Committed] = [],
        [Failed] = [],
    };

    public static bool IsKnown(string? status) => status is not null && Edges.ContainsKey(status);
    public static bool IsLegal(string from, string to) => Edges.TryGetValue(from, out var t) && t.Contains(to);
    /// <summary>Files may be added while an artifact is still being filled.</summary>
    public static bool AcceptsFiles(string status) => status is Created or Uploading or Registered;
}

/// <summary>Where an artifact's bytes live.</summary>
public static class ArtifactResidence
{
    public const string Managed = "managed";
    public const string Posix = "posix";
    public const string S3 = "s3";
    public const string Http = "http";
    public const string Reference = "reference";

    public static readonly IReadOnlyList<string> All = [Managed, Posix, S3, Http, Reference];
    public static bool IsKnown(string? value) => value is not null && All.Contains(value);
}

/// <summary>Per-worker credential statuses.</summary>
public static class WorkerCredentialStatus
{
    public const string Active = "ACTIVE";
    public const string Revoked = "REVOKED";
    public const string Expired = "EXPIRED";
    public static readonly IReadOnlyList<string> All = [Active, Revoked, Expired];
}
