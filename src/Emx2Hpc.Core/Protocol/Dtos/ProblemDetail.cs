using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>RFC 9457 problem body (application/problem+json) as EMX2 emits it.</summary>
public sealed record ProblemDetail
{
    [JsonPropertyName("type")] public string Type { get; init; } = "about:blank";
    [JsonPropertyName("title")] public string Title { get; init; } = "";
    [JsonPropertyName("status")] public int Status { get; init; }
    [JsonPropertyName("detail")] public string Detail { get; init; } = "";
    [JsonPropertyName("instance")] public string? Instance { get; init; }
    [JsonPropertyName("request_id")] public string? RequestId { get; init; }

    public static string TitleFor(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
}
