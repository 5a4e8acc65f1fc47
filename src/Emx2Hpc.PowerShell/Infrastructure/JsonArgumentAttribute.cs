using System.Management.Automation;
using System.Text.Json;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>Lets a parameter typed <see cref="JsonElement"/> take what a PowerShell user naturally has: a hashtable,
/// a PSCustomObject, an array, or JSON text. Objects are turned into JSON by PowerShell's own ConvertTo-Json, so the
/// module carries no serializer for PowerShell's object model; text is parsed as is.</summary>
internal sealed class JsonArgumentAttribute : ArgumentTransformationAttribute
{
    private const string ToJson = "param($value) ConvertTo-Json -InputObject $value -Depth 64 -Compress";

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is null or JsonElement) return value;
        var text = value as string ?? Convert(engineIntrinsics, inputData);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentTransformationMetadataException($"Not valid JSON: {e.Message}", e);
        }
    }

    private static string Convert(EngineIntrinsics engine, object? value)
    {
        var output = engine.InvokeCommand.NewScriptBlock(ToJson).Invoke(value);
        return output.Count == 1 && output[0]?.BaseObject is string json
            ? json
            : throw new ArgumentTransformationMetadataException("ConvertTo-Json did not produce a single JSON text.");
    }
}
