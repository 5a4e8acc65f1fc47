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
        // Only the compile-time generated code (ProtocolJsonContext), never reflection: the published CLI is compiled
        // ahead of time (bench/README.md), where reflection-built serializers do not exist. A type outside the context
        // fails loudly on first use, in every build alike, instead of only in the published one.
        TypeInfoResolver = ProtocolJsonContext.Default,
    };

    /// <summary>The generated serializer of <typeparamref name="T"/> under <see cref="Options"/>; throws
    /// NotSupportedException naming the type when ProtocolJsonContext does not list it.</summary>
    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
