using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>One advertised capability: which (processor, profile) this worker runs, and how many at once.</summary>
public sealed record CapabilityDto
{
    [JsonPropertyName("processor")] public string Processor { get; init; } = "";
    [JsonPropertyName("profile")] public string Profile { get; init; } = "";
    [JsonPropertyName("max_concurrent_jobs")] public int? MaxConcurrentJobs { get; init; }
}

/// <summary>Body of POST /workers/register.</summary>
public sealed record RegisterWorkerRequest
{
    [JsonPropertyName("worker_id")] public string WorkerId { get; init; } = "";
    [JsonPropertyName("hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("capabilities")] public IReadOnlyList<CapabilityDto>? Capabilities { get; init; }
}

/// <summary>Response of POST /workers/register.</summary>
public sealed record WorkerRegistrationDto
{
    [JsonPropertyName("worker_id")] public string WorkerId { get; init; } = "";
    [JsonPropertyName("hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("registered_at")] public string? RegisteredAt { get; init; }
    [JsonPropertyName("last_heartbeat_at")] public string? LastHeartbeatAt { get; init; }
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>Response of POST /workers/{id}/heartbeat.</summary>
public sealed record HeartbeatDto
{
    [JsonPropertyName("worker_id")] public string WorkerId { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
}

/// <summary>Credential metadata (list, revoke). Issue/rotate add the secret.</summary>
public record CredentialDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("worker_id")] public string WorkerId { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("label")] public string? Label { get; init; }
    [JsonPropertyName("created_by")] public string? CreatedBy { get; init; }
    [JsonPropertyName("last_used_at")] public string? LastUsedAt { get; init; }
    [JsonPropertyName("revoked_at")] public string? RevokedAt { get; init; }
}

/// <summary>Response of credential issue/rotate. created_at/expires_at are not parsed: the real server may
/// serialize them as arrays (SERVER-SPEC §12), and the daemon only needs the secret.</summary>
public sealed record IssuedCredentialDto : CredentialDto
{
    [JsonPropertyName("secret")] public string Secret { get; init; } = "";
}

/// <summary>GET /api/hpc/health.</summary>
public sealed record HealthDto
{
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("api_version")] public string ApiVersion { get; init; } = "";
    [JsonPropertyName("hpc_enabled")] public bool? HpcEnabled { get; init; }
    [JsonPropertyName("database")] public string? Database { get; init; }
}
