using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>An artifact from GET /artifacts/{id} or commit. size_bytes arrives as a string.</summary>
public sealed record ArtifactDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("residence")] public string? Residence { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("size_bytes"), JsonConverter(typeof(FlexibleInt64Converter))] public long? SizeBytes { get; init; }
    [JsonPropertyName("content_url")] public string? ContentUrl { get; init; }
    [JsonPropertyName("created_at")] public string? CreatedAt { get; init; }
    [JsonPropertyName("committed_at")] public string? CommittedAt { get; init; }
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>Response of POST /artifacts: {id, name, type, status, _links}.</summary>
public sealed record CreatedArtifactDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>One item of GET /artifacts/{id}/files.</summary>
public sealed record ArtifactFileDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("size_bytes"), JsonConverter(typeof(FlexibleInt64Converter))] public long? SizeBytes { get; init; }
    [JsonPropertyName("content_type")] public string? ContentType { get; init; }
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>Response of PUT /artifacts/{id}/files/{path}: size_bytes is a number here.</summary>
public sealed record FileUploadResultDto
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("artifact_id")] public string ArtifactId { get; init; } = "";
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("size_bytes"), JsonConverter(typeof(FlexibleInt64Converter))] public long? SizeBytes { get; init; }
}
