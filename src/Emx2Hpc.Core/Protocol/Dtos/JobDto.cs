using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>A job as EMX2 returns it from GET, list, claim, transition, complete and cancel.
/// Timestamps are the server's naive local datetimes (see <see cref="ServerTimestamp"/>).</summary>
public sealed record JobDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("processor")] public string? Processor { get; init; }
    [JsonPropertyName("profile")] public string? Profile { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("worker_id")] public string? WorkerId { get; init; }
    [JsonPropertyName("slurm_job_id")] public string? SlurmJobId { get; init; }
    [JsonPropertyName("submit_user")] public string? SubmitUser { get; init; }
    [JsonPropertyName("parameters")] public JsonElement? Parameters { get; init; }
    [JsonPropertyName("inputs")] public JsonElement? Inputs { get; init; }
    [JsonPropertyName("output_artifact")] public ArtifactRefDto? OutputArtifact { get; init; }
    [JsonPropertyName("output_artifact_id")] public string? OutputArtifactId { get; init; }
    [JsonPropertyName("log_artifact")] public ArtifactRefDto? LogArtifact { get; init; }
    [JsonPropertyName("log_artifact_id")] public string? LogArtifactId { get; init; }
    [JsonPropertyName("timeout_seconds")] public int? TimeoutSeconds { get; init; }
    [JsonPropertyName("created_at")] public string? CreatedAt { get; init; }
    [JsonPropertyName("claimed_at")] public string? ClaimedAt { get; init; }
    [JsonPropertyName("submitted_at")] public string? SubmittedAt { get; init; }
    [JsonPropertyName("started_at")] public string? StartedAt { get; init; }
    [JsonPropertyName("completed_at")] public string? CompletedAt { get; init; }
    [JsonPropertyName("phase")] public string? Phase { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("progress")] public double? Progress { get; init; }
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>Short artifact reference embedded in jobs: {id, name, type, status}.</summary>
public sealed record ArtifactRefDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
}

/// <summary>Response of POST /jobs: {id, status, _links}.</summary>
public sealed record CreatedJobDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>One row of GET /jobs/{id}/transitions.</summary>
public sealed record TransitionDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("job_id")] public string JobId { get; init; } = "";
    [JsonPropertyName("from_status")] public string? FromStatus { get; init; }
    [JsonPropertyName("to_status")] public string ToStatus { get; init; } = "";
    [JsonPropertyName("timestamp")] public string? Timestamp { get; init; }
    [JsonPropertyName("worker_id")] public string? WorkerId { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("phase")] public string? Phase { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("progress")] public double? Progress { get; init; }
}
