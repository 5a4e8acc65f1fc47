using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Emx2Hpc.Core.Protocol.Dtos;

/// <summary>Serializer settings for talking to EMX2: request bodies omit nulls (the server treats an absent
/// field and a null one alike, and the reference daemon sends only non-null fields), property names come from
/// explicit [JsonPropertyName] attributes so the wire names are visible in the DTOs.</summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = false,
        // Job parameters and inputs are free JSON written by EMX2 users and embedded in every job list page. With the
        // default limit (64) one deeply nested job made the whole page unreadable, so no job could be polled at all;
        // 1000 matches Jackson's default nesting limit on the server. JobParameters applies the tight limit per job.
        MaxDepth = 1000,
        // Protocol DTOs use the compile-time generated code (ProtocolJsonContext); any other type (the emulator's
        // and tests' own shapes) still falls back to reflection.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ProtocolJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}
