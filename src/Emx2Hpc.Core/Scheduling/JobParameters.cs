using System.Text.Encodings.Web;
using System.Text.Json;

namespace Emx2Hpc.Core.Scheduling;

/// <summary>A job's <c>parameters</c> object, validated into what a scheduler needs: argv entries, environment
/// variables and the compact JSON exported as HPC_PARAMETERS. Unlike the reference daemon (which turned bad
/// JSON into {} and booleans into Python's True/False) every problem is an error that names its field, because a
/// job run with silently different parameters is worse than a job that fails with a clear reason.</summary>
public sealed record JobParameters(IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment, string ParametersJson)
{
    public static readonly JobParameters Empty = new([], new Dictionary<string, string>(), "{}");

    private static readonly JsonWriterOptions CompactWriter = new()
    {
        Indented = false,
        // Non-ASCII stays readable for the workload; the value is single-quoted in the script, so no HTML-style
        // escaping is needed for safety.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses <paramref name="parameters"/> (JobDto.Parameters): absent/null/blank → <see cref="Empty"/>;
    /// an object, or a JSON string whose content is an object. Anything else throws
    /// <see cref="JobRejectedException"/>.</summary>
    public static JobParameters Parse(JsonElement? parameters)
    {
        if (parameters is not { } element) return Empty;
        switch (element.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Empty;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (string.IsNullOrWhiteSpace(text)) return Empty;
                JsonDocument document;
                try { document = JsonDocument.Parse(text); }
                catch (JsonException ex) { throw new JobRejectedException($"parameters: not valid JSON ({ex.Message})"); }
                using (document)
                {
                    if (document.RootElement.ValueKind == JsonValueKind.String)
                        throw new JobRejectedException("parameters: must be a JSON object (got a doubly encoded string)");
                    return Parse(document.RootElement);
                }
            case JsonValueKind.Object:
                if (Depth(element) > MaxDepth)
                    throw new JobRejectedException($"parameters: nested more than {MaxDepth} levels deep");
                return new JobParameters(ParseArgs(element), ParseEnvironment(element), Compact(element));
            default:
                throw new JobRejectedException($"parameters: must be a JSON object (got {Describe(element.ValueKind)})");
        }
    }

    /// <summary>Deepest nesting accepted, the System.Text.Json default: the parameters are re-read with default
    /// options further on (HPC_PARAMETERS, the simulated scheduler), and no real workload needs more.</summary>
    public const int MaxDepth = 64;

    private static int Depth(JsonElement root)
    {
        var deepest = 0;
        var pending = new Stack<(JsonElement Element, int Depth)>();
        pending.Push((root, 1));
        while (pending.Count > 0)
        {
            var (element, depth) = pending.Pop();
            deepest = Math.Max(deepest, depth);
            if (deepest > MaxDepth) return deepest;
            // Only containers count, as in Utf8JsonReader.CurrentDepth.
            var children = element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
                JsonValueKind.Array => element.EnumerateArray(),
                _ => [],
            };
            foreach (var child in children)
                if (child.ValueKind is JsonValueKind.Object or JsonValueKind.Array) pending.Push((child, depth + 1));
        }
        return deepest;
    }

    private static List<string> ParseArgs(JsonElement parameters)
    {
        var args = new List<string>();
        if (!parameters.TryGetProperty("args", out var list) || list.ValueKind == JsonValueKind.Null) return args;
        if (list.ValueKind != JsonValueKind.Array)
            throw new JobRejectedException($"parameters.args: must be a list (got {Describe(list.ValueKind)})");
        var i = 0;
        foreach (var item in list.EnumerateArray()) args.Add(Scalar(item, $"parameters.args[{i++}]"));
        return args;
    }

    private static Dictionary<string, string> ParseEnvironment(JsonElement parameters)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!parameters.TryGetProperty("environment", out var map) || map.ValueKind == JsonValueKind.Null) return environment;
        if (map.ValueKind != JsonValueKind.Object)
            throw new JobRejectedException($"parameters.environment: must be an object (got {Describe(map.ValueKind)})");
        foreach (var variable in map.EnumerateObject())
        {
            EnvironmentVariableName.Validate(variable.Name, "parameters.environment", fromJob: true);
            if (!environment.TryAdd(variable.Name, Scalar(variable.Value, $"parameters.environment.{variable.Name}")))
                throw new JobRejectedException($"parameters.environment: variable '{variable.Name}' is given twice");
        }
        return environment;
    }

    /// <summary>Strings as-is, numbers exactly as written in the JSON (already culture-invariant, no float
    /// round-trip), booleans as true/false.</summary>
    private static string Scalar(JsonElement value, string field)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw new JobRejectedException($"{field}: must be a string, number or boolean (got {Describe(value.ValueKind)})"),
        };
        if (text.Contains('\0')) throw new JobRejectedException($"{field}: contains a NUL character");
        return text;
    }

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter)) element.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
