using System.Text.Json;
using System.Text.RegularExpressions;

namespace Emx2Hpc.Emulator.Faults;

/// <summary>Reads the JSON form of a fault plan:
/// {"rules":[{"method":"POST","path":"regex","action":"503","skip":0,"times":1,"delay_ms":30000}]}.
/// Errors name the rule and the field so a wrong plan fails at start instead of silently never firing.</summary>
public static class FaultPlanParser
{
    public static FaultPlan LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read fault plan {path}: {ex.Message}", ex);
        }
        return Parse(text);
    }

    public static FaultPlan Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"fault plan is not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
                throw new FormatException("fault plan must be an object with a \"rules\" array");
            var parsed = new List<FaultRule>();
            var index = 0;
            foreach (var rule in rules.EnumerateArray()) parsed.Add(ParseRule(rule, index++));
            return new FaultPlan { Rules = parsed };
        }
    }

    private static FaultRule ParseRule(JsonElement rule, int index)
    {
        var where = $"fault plan rule {index}";
        if (rule.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object");
        var method = OptionalString(rule, "method", where);
        var path = OptionalString(rule, "path", where) ?? throw new FormatException($"{where}: \"path\" is required");
        try
        {
            _ = new Regex(path, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"{where}: \"path\" is not a valid regular expression: {ex.Message}", ex);
        }
        var actionText = OptionalString(rule, "action", where) ?? throw new FormatException($"{where}: \"action\" is required");
        if (!FaultActions.TryParse(actionText, out var action))
            throw new FormatException($"{where}: unknown action \"{actionText}\" (expected one of {FaultActions.WireNames})");
        return new FaultRule
        {
            Method = string.IsNullOrWhiteSpace(method) ? null : method.Trim(),
            PathPattern = path,
            Action = action,
            Skip = OptionalCount(rule, "skip", where) ?? 0,
            Times = OptionalCount(rule, "times", where) ?? 0,
            DelayMs = OptionalCount(rule, "delay_ms", where) ?? FaultRule.DefaultTimeoutDelayMs,
        };
    }

    private static string? OptionalString(JsonElement rule, string name, string where)
    {
        if (!rule.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        // "action": 503 written as a number is an easy slip; accept it rather than fail on a technicality.
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new FormatException($"{where}: \"{name}\" must be a string"),
        };
    }

    private static int? OptionalCount(JsonElement rule, string name, string where)
    {
        if (!rule.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < 0)
            throw new FormatException($"{where}: \"{name}\" must be a non-negative integer");
        return n;
    }
}
