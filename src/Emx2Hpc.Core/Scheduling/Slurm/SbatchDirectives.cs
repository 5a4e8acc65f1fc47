using System.Globalization;
using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>The #SBATCH header of a batch script. Our own directives (tag, paths, --export=NONE) come after the
/// profile's extra arguments because sbatch lets a later directive override an earlier one, and extra arguments
/// that would replace them (<see cref="SbatchOwnedOptions"/>) are refused outright rather than silently losing.</summary>
internal static partial class SbatchDirectives
{
    public static IEnumerable<string> Lines(BatchJobSpec spec)
    {
        var r = spec.Resources;
        var d = spec.Directories;
        yield return Directive("--job-name", JobTag.JobName(spec.Emx2JobId), "emx2_job_id");
        yield return Directive("--comment", JobTag.Comment(spec.Emx2JobId), "emx2_job_id");
        if (Present(r.Partition)) yield return Directive("--partition", r.Partition!, "resources.partition");
        if (Present(r.Account)) yield return Directive("--account", r.Account!, "resources.account");
        if (Present(r.Qos)) yield return Directive("--qos", r.Qos!, "resources.qos");
        if (r.Cpus < 1) throw ScriptValueGuard.Reject("resources.cpus", $"must be at least 1 (got {r.Cpus})");
        yield return Directive("--cpus-per-task", r.Cpus.ToString(CultureInfo.InvariantCulture), "resources.cpus");
        if (Present(r.Memory)) yield return Directive("--mem", r.Memory!, "resources.memory");
        if (Present(r.Time)) yield return Directive("--time", r.Time!, "resources.time");
        if (Gres(r.Gpus) is { } gres) yield return Directive("--gres", gres, "resources.gpus");
        for (var i = 0; i < r.ExtraArgs.Count; i++) yield return ExtraLine(r.ExtraArgs[i], $"resources.extra_args[{i}]");
        yield return Directive("--chdir", d.Work, "directories.work");
        yield return Directive("--output", d.Output.TrimEnd('/') + "/slurm-%j.out", "directories.output");
        yield return Directive("--error", d.Output.TrimEnd('/') + "/slurm-%j.err", "directories.output");
        yield return "#SBATCH --export=NONE";
    }

    private static bool Present(string? value) => !string.IsNullOrWhiteSpace(value);

    private static string Directive(string option, string value, string field)
    {
        ScriptValueGuard.DirectiveToken(value, field);
        return $"#SBATCH {option}={value}";
    }

    private static string ExtraLine(string value, string field)
    {
        ScriptValueGuard.DirectiveLine(value, field);
        // The same reading as the config check: abbreviations (--arr=0-99), short forms and clusters (-vJx).
        if (SbatchOwnedOptions.OwnedBy(value) is { } owned)
            throw ScriptValueGuard.Reject(field, $"sets {owned}, which emx2-hpc controls itself");
        return "#SBATCH " + value.Trim();
    }

    /// <summary>"2" → gpu:2, "a100:2" → gpu:a100:2 (a leading "gpu:" is accepted too); "0" or empty → none.</summary>
    internal static string? Gres(string? gpus)
    {
        if (!Present(gpus)) return null;
        var value = gpus!.Trim();
        if (value.StartsWith("gpu:", StringComparison.Ordinal)) value = value["gpu:".Length..];
        var match = GpuSpec().Match(value);
        if (!match.Success)
            throw ScriptValueGuard.Reject("resources.gpus", $"'{EnvironmentVariableName.Printable(gpus)}' is not a GPU count or type:count");
        var count = match.Groups["count"].Value;
        if (count.TrimStart('0').Length == 0) return null;
        return match.Groups["type"].Success ? $"gpu:{match.Groups["type"].Value}:{count}" : $"gpu:{count}";
    }

    [GeneratedRegex("^(?:(?<type>[A-Za-z0-9_.-]+):)?(?<count>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex GpuSpec();
}
