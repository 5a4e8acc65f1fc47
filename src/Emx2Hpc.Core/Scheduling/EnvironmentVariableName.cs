using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Scheduling;

/// <summary>Rules for variable names placed into a job's environment, shared by parameter parsing and the batch
/// script builder so both reject the same names with the same words.</summary>
public static partial class EnvironmentVariableName
{
    /// <summary>Names we set ourselves or that would change how the job is run (loader, PATH, Slurm's own
    /// variables). Rejected from any source, profile or job.</summary>
    public static bool IsReserved(string name) =>
        name == "PATH"
        || name.StartsWith("HPC_", StringComparison.Ordinal)
        || name.StartsWith("SLURM_", StringComparison.Ordinal)
        || name.StartsWith("LD_", StringComparison.Ordinal);

    /// <summary>Extra names a job (an EMX2 user, not the cluster admin) may not set: each makes a shell or an
    /// interpreter load code from a path or option string the user chooses, which would turn "parameters" into
    /// code execution in whatever the admin's entrypoint is written in. Profiles may still set them.</summary>
    public static readonly IReadOnlySet<string> ForbiddenForJobs = new HashSet<string>(StringComparer.Ordinal)
    {
        "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "IFS", "CDPATH", "GLOBIGNORE", "PS4", "PROMPT_COMMAND",
        "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "PERL5LIB", "PERLLIB", "PERL5OPT",
        "RUBYLIB", "RUBYOPT", "NODE_OPTIONS", "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
        "R_PROFILE", "R_PROFILE_USER", "R_ENVIRON", "R_ENVIRON_USER",
    };

    public static bool IsValid(string name) => ValidName().IsMatch(name);

    /// <summary>Throws <see cref="JobRejectedException"/> naming <paramref name="field"/> when the name is
    /// malformed or reserved; with <paramref name="fromJob"/> also for <see cref="ForbiddenForJobs"/>.</summary>
    public static void Validate(string name, string field, bool fromJob)
    {
        if (!IsValid(name))
            throw new JobRejectedException($"{field}: invalid variable name '{Printable(name)}' (must match ^[A-Za-z_][A-Za-z0-9_]*$)");
        if (IsReserved(name))
            throw new JobRejectedException($"{field}: variable name '{name}' is reserved (HPC_*, SLURM_*, LD_* and PATH are set by the scheduler)");
        if (fromJob && (ForbiddenForJobs.Contains(name) || name.StartsWith("APPTAINER", StringComparison.Ordinal)
                        || name.StartsWith("SINGULARITY", StringComparison.Ordinal)))
            throw new JobRejectedException($"{field}: variable name '{name}' may not be set by a job (it changes how programs load code)");
    }

    /// <summary>Keeps error messages on one line when a hostile name contains control characters.</summary>
    internal static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
