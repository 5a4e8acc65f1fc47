using System.Collections;
using System.Text.Json.Nodes;

namespace Emx2Hpc.Core.Audit;

/// <summary>The JSON form of one audit data value. The values are what the cycle records (text, numbers, flags,
/// JSON it built, lists and maps of those), converted without reflection so the ahead-of-time compiled CLI writes
/// the same events as the module; anything else is a programming error, named, not a silently different event.</summary>
internal static class AuditValue
{
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.Parent is null ? node : node.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        IEnumerable<KeyValuePair<string, object?>> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value)))),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => throw new ArgumentException($"audit value of type {value.GetType().FullName} has no JSON form; record it as text, a number, a flag or JSON"),
    };
}
