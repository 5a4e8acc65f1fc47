using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>Paged list envelope: {items, count, total_count, limit, offset[, _links]}.
/// limit=0 means "no limit" on the server.</summary>
public sealed record PagedList<T>
{
    [JsonPropertyName("items")] public IReadOnlyList<T> Items { get; init; } = [];
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("total_count")] public int TotalCount { get; init; }
    [JsonPropertyName("limit")] public int Limit { get; init; }
    [JsonPropertyName("offset")] public int Offset { get; init; }
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}

/// <summary>Unpaged list envelope used by transitions and credentials: {items, count[, _links]}.</summary>
public sealed record ItemList<T>
{
    [JsonPropertyName("items")] public IReadOnlyList<T> Items { get; init; } = [];
    [JsonPropertyName("count")] public int Count { get; init; }
    [JsonPropertyName("_links")] public IReadOnlyDictionary<string, LinkDto>? Links { get; init; }
}
