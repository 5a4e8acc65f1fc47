using System.Text.Json;
using Emx2Hpc.Tests.Unit.TestSupport;

namespace Emx2Hpc.Tests.Unit.Protocol;

/// <summary>Typed access to shared/protocol/hpc-protocol.json (the normative constants).</summary>
internal static class ProtocolContract
{
    private static readonly Lazy<JsonElement> Definitions = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedPaths.ProtocolJson));
        return doc.RootElement.GetProperty("definitions").Clone();
    });

    public static JsonElement Definition(string name) => Definitions.Value.GetProperty(name);

    public static string Const(string name) => Definition(name).GetProperty("const").GetString()!;

    public static string[] ConstArray(string name) => Strings(Definition(name).GetProperty("const"));

    public static string[] Enum(string name) => Strings(Definition(name).GetProperty("enum"));

    /// <summary>"properties" of an object definition: name → its "const" value.</summary>
    public static Dictionary<string, JsonElement> PropertyConsts(string name) =>
        Definition(name).GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("const"));

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
