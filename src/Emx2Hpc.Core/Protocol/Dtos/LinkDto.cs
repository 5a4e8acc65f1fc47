using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>One HATEOAS link: {href, method}.</summary>
public sealed record LinkDto(
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("method")] string Method);
