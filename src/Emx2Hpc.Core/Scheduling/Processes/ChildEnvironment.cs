using System.Collections;

namespace Emx2Hpc.Core.Scheduling.Processes;

/// <summary>The environment handed to scheduler commands: empty except for an allowlist. The daemon may hold
/// secrets in its environment (used for ${VAR} expansion in the config); sbatch would otherwise copy them into
/// every job (the Python daemon passed its whole environment on), and variables such as SBATCH_* / SQUEUE_FORMAT would silently change our commands.</summary>
public static class ChildEnvironment
{
    /// <summary>Names passed through unchanged when the parent has them.</summary>
    public static readonly IReadOnlyList<string> AllowedNames = ["PATH", "HOME", "USER", "LANG", "SLURM_CONF"];

    /// <summary>Prefixes passed through: munge's socket and key overrides, needed to authenticate to slurmctld.</summary>
    public static readonly IReadOnlyList<string> AllowedPrefixes = ["MUNGE"];

    public static bool IsAllowed(string name) =>
        AllowedNames.Contains(name, StringComparer.Ordinal)
        || AllowedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Filters <paramref name="source"/> down to the allowlist.</summary>
    public static IReadOnlyDictionary<string, string> From(IEnumerable<KeyValuePair<string, string>> source)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in source)
            if (IsAllowed(name)) result[name] = value;
        return result;
    }

    /// <summary>The allowlisted part of this process's environment.</summary>
    public static IReadOnlyDictionary<string, string> FromCurrentProcess()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) pairs.Add(new(k, v));
        return From(pairs);
    }
}
