using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emx2Hpc.Core.Scheduling.Simulated;

public enum SimulatedOutcome { Complete, Fail, Timeout }

/// <summary>How a simulated job ends, taken from <c>parameters.simulate</c>:
/// <c>{"simulate":{"outcome":"complete"|"fail"|"timeout","exit_code":3,"steps":N,"files":{"a/b.csv":"text"}}}</c>.
/// Steps is the number of passes that observe the job Running before it finishes (0: it finishes on the first pass,
/// like a job that ran between two cycles). Files are extra outputs the run leaves in output/ when it completes
/// (relative paths, written by the simulated run like a real job would, never before the worker created the job's
/// directory). Defaults: complete, exit code 1 for fail, 1 step, no extra files.</summary>
public sealed record SimulationPlan(
    [property: JsonConverter(typeof(JsonStringEnumConverter<SimulatedOutcome>))] SimulatedOutcome Outcome,
    int ExitCode,
    int Steps,
    IReadOnlyDictionary<string, string>? Files = null)
{
    public const int MaxSteps = 1000;
    public const int MaxFiles = 100;
    public const int MaxFileChars = 64 * 1024;
    public static readonly SimulationPlan Default = new(SimulatedOutcome.Complete, 1, 1);

    public static SimulationPlan FromParametersJson(string parametersJson)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(parametersJson) ? "{}" : parametersJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("simulate", out var simulate)
            || simulate.ValueKind == JsonValueKind.Null)
            return Default;
        if (simulate.ValueKind != JsonValueKind.Object)
            throw new JobRejectedException("parameters.simulate: must be an object");

        var outcome = SimulatedOutcome.Complete;
        if (simulate.TryGetProperty("outcome", out var o) && o.ValueKind != JsonValueKind.Null)
            outcome = o.ValueKind == JsonValueKind.String ? o.GetString() switch
            {
                "complete" => SimulatedOutcome.Complete,
                "fail" => SimulatedOutcome.Fail,
                "timeout" => SimulatedOutcome.Timeout,
                var other => throw new JobRejectedException($"parameters.simulate.outcome: '{other}' is not complete, fail or timeout"),
            } : throw new JobRejectedException("parameters.simulate.outcome: must be a string");
        var exitCode = Integer(simulate, "exit_code", Default.ExitCode, 1, 255);
        var steps = Integer(simulate, "steps", Default.Steps, 0, MaxSteps);
        return new SimulationPlan(outcome, exitCode, steps, ReadFiles(simulate));
    }

    private static IReadOnlyDictionary<string, string>? ReadFiles(JsonElement simulate)
    {
        if (!simulate.TryGetProperty("files", out var files) || files.ValueKind == JsonValueKind.Null) return null;
        if (files.ValueKind != JsonValueKind.Object)
            throw new JobRejectedException("parameters.simulate.files: must be an object of relative path to text");
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.EnumerateObject())
        {
            var path = file.Name;
            var segments = path.Split('/');
            if (path.Length == 0 || path.Length > 255 || path.StartsWith('/') || path.Contains('\\') || path.Contains('\0')
                || segments.Any(s => s is "" or "." or ".."))
                throw new JobRejectedException($"parameters.simulate.files: '{path}' is not a plain relative path inside output/");
            if (file.Value.ValueKind != JsonValueKind.String || file.Value.GetString()!.Length > MaxFileChars)
                throw new JobRejectedException($"parameters.simulate.files.{path}: must be text of at most {MaxFileChars} characters");
            result[path] = file.Value.GetString()!;
        }
        if (result.Count > MaxFiles) throw new JobRejectedException($"parameters.simulate.files: at most {MaxFiles} files");
        return result;
    }

    private static int Integer(JsonElement parent, string name, int fallback, int min, int max)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < min || n > max)
            throw new JobRejectedException($"parameters.simulate.{name}: must be an integer from {min} to {max}");
        return n;
    }
}
