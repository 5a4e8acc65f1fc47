using System.Text.Json;

namespace Emx2Hpc.Emulator.Model;

/// <summary>Typed access to request fields with the server's 400 messages. Absent and null are the same thing,
/// as on the server.</summary>
internal static class JsonFields
{
    public static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string? String(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) throw HpcProblemException.BadRequest($"{name} must be a string");
        return value.GetString();
    }

    /// <summary>Any JSON scalar as text (numbers keep their literal form); used where Java calls toString.</summary>
    public static string? Scalar(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw HpcProblemException.BadRequest($"{name} must be a string"),
        };
    }

    public static long? Long(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number) throw HpcProblemException.BadRequest($"{name} must be a number");
        if (value.TryGetInt64(out var whole)) return whole;
        // Jackson truncates a fractional number read as a long/int.
        var d = value.GetDouble();
        if (double.IsFinite(d) && d >= long.MinValue && d <= long.MaxValue) return (long)Math.Truncate(d);
        throw HpcProblemException.BadRequest($"{name} must be a number");
    }

    public static int? Int(JsonElement obj, string name)
    {
        var value = Long(obj, name);
        if (value is null) return null;
        if (value < int.MinValue || value > int.MaxValue) throw HpcProblemException.BadRequest($"{name} is out of range");
        return (int)value.Value;
    }

    /// <summary>The raw JSON text of a field (parameters, inputs, metadata are stored as given), or null.</summary>
    public static string? RawJson(JsonElement obj, string name) =>
        TryGet(obj, name, out var value) ? value.GetRawText() : null;
}
