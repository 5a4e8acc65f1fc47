namespace Emx2Hpc.Core.Configuration;

/// <summary>Rules for a profile's extra <c>#SBATCH</c> lines. The daemon relies on owning the job's
/// environment (<c>--export=NONE</c>), its log paths, working directory, name and comment (the tag that
/// finds orphans); an admin-supplied line overriding one of those would silently break recovery or
/// leak the daemon's environment, so they are refused.</summary>
internal static class SbatchArgRules
{
    public static readonly IReadOnlyList<string> OwnedLongOptions =
        ["--export", "--output", "--error", "--chdir", "--job-name", "--comment", "--parsable", "--wrap"];

    public static readonly IReadOnlyList<string> OwnedShortOptions = ["-o", "-e", "-D", "-J"];

    /// <summary>Null when the argument is acceptable, else the reason.</summary>
    public static string? Check(string arg)
    {
        if (arg.IndexOfAny(['\n', '\r', '\0']) >= 0)
            return "sbatch argument must not contain line breaks or NUL characters";

        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            var shortOption = OwnedShortOptions.FirstOrDefault(o => arg.StartsWith(o, StringComparison.Ordinal));
            return shortOption is not null
                ? $"sbatch argument '{arg}' sets {shortOption}, which the daemon controls"
                : $"sbatch argument '{arg}' must be a long option starting with '--' (e.g. --gres=gpu:1)";
        }

        var name = OptionName(arg);
        if (name.Length <= 2) return $"sbatch argument '{arg}' has no option name";

        // sbatch (getopt_long) accepts unambiguous abbreviations, so "--outp=x" would set --output too.
        var owned = OwnedLongOptions.FirstOrDefault(o => o.StartsWith(name, StringComparison.Ordinal));
        return owned is not null ? $"sbatch argument '{arg}' sets {owned}, which the daemon controls" : null;
    }

    private static string OptionName(string arg)
    {
        var end = arg.IndexOfAny(['=', ' ', '\t']);
        return end < 0 ? arg : arg[..end];
    }
}
