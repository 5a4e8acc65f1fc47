using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>Body of POST /jobs/{id}/claim.</summary>
public sealed record ClaimRequest
{
    [JsonPropertyName("worker_id")] public string? WorkerId { get; init; }
}

/// <summary>Body of POST /jobs/{id}/transition and /complete. Only non-null fields are sent.</summary>
public sealed record TransitionRequest
{
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("worker_id")] public string? WorkerId { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("slurm_job_id")] public string? SlurmJobId { get; init; }
    [JsonPropertyName("output_artifact_id")] public string? OutputArtifactId { get; init; }
    [JsonPropertyName("log_artifact_id")] public string? LogArtifactId { get; init; }
    [JsonPropertyName("phase")] public string? Phase { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("progress")] public double? Progress { get; init; }
}

/// <summary>Body of POST /jobs.</summary>
public sealed record CreateJobRequest
{
    [JsonPropertyName("processor")] public string Processor { get; init; } = "";
    [JsonPropertyName("profile")] public string? Profile { get; init; }
    [JsonPropertyName("parameters")] public JsonElement? Parameters { get; init; }
    [JsonPropertyName("inputs")] public JsonElement? Inputs { get; init; }
    [JsonPropertyName("timeout_seconds")] public int? TimeoutSeconds { get; init; }
}

/// <summary>Body of POST /artifacts.</summary>
public sealed record CreateArtifactRequest
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("residence")] public string? Residence { get; init; }
    [JsonPropertyName("content_url")] public string? ContentUrl { get; init; }
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
}

/// <summary>JSON body of a metadata-only file PUT (posix/external artifacts: no bytes leave the cluster).</summary>
public sealed record FileMetadataRequest
{
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("size_bytes")] public long SizeBytes { get; init; }
    [JsonPropertyName("content_type")] public string? ContentType { get; init; }
}

/// <summary>Body of POST /artifacts/{id}/commit.</summary>
public sealed record CommitRequest
{
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("size_bytes")] public long? SizeBytes { get; init; }
}

/// <summary>Body of credential issue/rotate.</summary>
public sealed record IssueCredentialRequest
{
    [JsonPropertyName("label")] public string? Label { get; init; }
    [JsonPropertyName("expires_at")] public string? ExpiresAt { get; init; }
}
