namespace Emx2Hpc.Core.Scheduling;

/// <summary>The names a profile lets its jobs set (<c>allowed_environment</c>): exact names, or prefix patterns
/// written <c>PREFIX_*</c>. Empty by default, so a job sets no variable unless the admin named it: an open list with
/// exceptions cannot keep up with every interpreter that loads code from a variable (PYTHONWARNINGS, PERL5OPT,
/// GCONV_PATH, OPENSSL_CONF, JAVA_TOOL_OPTIONS, R_PROFILE_USER, HOME, ...).</summary>
public static class EnvironmentAllowList
{
    /// <summary>Null when <paramref name="pattern"/> is a usable entry, else the reason. A prefix must be at least
    /// two characters and end in '_' so one entry cannot open a whole namespace by accident ("P*", "*"); entries
    /// that would cover the names the scheduler sets itself are refused outright.</summary>
    public static string? Check(string pattern)
    {
        if (pattern.EndsWith('*'))
        {
            var prefix = pattern[..^1];
            if (prefix.Length < 2 || !prefix.EndsWith('_') || !EnvironmentVariableName.IsValid(prefix))
                return $"'{EnvironmentVariableName.Printable(pattern)}' is not a variable name or a PREFIX_* pattern (the prefix must be a valid name ending in '_')";
            if (EnvironmentVariableName.IsReserved(prefix) || IsReservedPrefix(prefix))
                return $"'{pattern}' would let jobs set variables the scheduler owns (HPC_*, SLURM_*, LD_*, PATH)";
            return null;
        }
        if (!EnvironmentVariableName.IsValid(pattern))
            return $"'{EnvironmentVariableName.Printable(pattern)}' is not a variable name or a PREFIX_* pattern";
        if (EnvironmentVariableName.IsReserved(pattern))
            return $"'{pattern}' is reserved (HPC_*, SLURM_*, LD_* and PATH are set by the scheduler)";
        return null;
    }

    /// <summary>True when <paramref name="name"/> is one of <paramref name="allowed"/>, or starts with the prefix of
    /// one of its <c>PREFIX_*</c> entries. Case-sensitive, as the environment is.</summary>
    public static bool Allows(IReadOnlyList<string> allowed, string name)
    {
        foreach (var pattern in allowed)
        {
            if (pattern.EndsWith('*'))
            {
                if (name.Length > pattern.Length - 1 && name.StartsWith(pattern[..^1], StringComparison.Ordinal)) return true;
            }
            else if (string.Equals(pattern, name, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>A prefix that overlaps a reserved prefix in either direction ("SLURM_", "SLURM_CPU_").</summary>
    private static bool IsReservedPrefix(string prefix) =>
        ReservedPrefixes.Any(r => r.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(r, StringComparison.Ordinal));

    private static readonly string[] ReservedPrefixes = ["HPC_", "SLURM_", "LD_"];
}
