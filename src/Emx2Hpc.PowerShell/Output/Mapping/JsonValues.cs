using System.Management.Automation;
using System.Text.Json;

namespace Emx2Hpc.PowerShell.Output.Mapping;

/// <summary>JSON from EMX2 (a job's parameters and inputs) as the objects ConvertFrom-Json would give: objects become
/// PSCustomObjects, arrays object[], numbers long or double, so <c>$job.Parameters.model</c> just works.</summary>
internal static class JsonValues
{
    public static object? ToPowerShell(JsonElement? element) => element is { } e ? Convert(e) : null;

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static PSObject ToObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
            result.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
        return result;
    }
}
