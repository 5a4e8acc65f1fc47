using System.Text.Json;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Where a job's "inputs" JSON names artifacts. Validation at create and enrichment on read look in
/// slightly different places, exactly as the server does (SERVER-SPEC §6.4).</summary>
internal static class InputArtifactIds
{
    /// <summary>Ids checked at job creation: an array's string elements, an array's objects' "artifact_id", or an
    /// object's string values.</summary>
    public static IReadOnlyList<string> ForValidation(JsonElement inputs)
    {
        var ids = new List<string>();
        switch (inputs.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in inputs.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String) ids.Add(item.GetString()!);
                    else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("artifact_id", out var a) && a.ValueKind == JsonValueKind.String)
                        ids.Add(a.GetString()!);
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in inputs.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String) ids.Add(property.Value.GetString()!);
                }
                break;
        }
        return ids;
    }

    /// <summary>Ids enriched on read: only array inputs; string elements, or objects' "artifact_id" (else "id").</summary>
    public static IEnumerable<string> ForEnrichment(string? inputsJson)
    {
        if (inputsJson is null) yield break;
        using var doc = JsonDocument.Parse(inputsJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) yield return item.GetString()!;
            else if (item.ValueKind == JsonValueKind.Object && ReferencedId(item) is { } id) yield return id;
        }
    }

    /// <summary>The artifact an input object points at: "artifact_id" if it is a string, else "id" if it is one.</summary>
    public static string? ReferencedId(JsonElement item)
    {
        if (item.TryGetProperty("artifact_id", out var a) && a.ValueKind == JsonValueKind.String) return a.GetString();
        if (item.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String) return i.GetString();
        return null;
    }
}
