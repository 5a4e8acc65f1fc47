using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Rules for a profile's extra <c>#SBATCH</c> lines. The daemon relies on owning the job's
/// environment (<c>--export=NONE</c>), its log paths, working directory, name and comment (the tag that
/// finds orphans); an admin-supplied line overriding one of those would silently break recovery or
/// leak the daemon's environment, so they are refused. Which options are owned, and how sbatch would read an
/// abbreviation or a short form, is decided by <see cref="SbatchOwnedOptions"/> (the script builder uses the same).</summary>
internal static class SbatchArgRules
{
    /// <summary>Null when the argument is acceptable, else the reason.</summary>
    public static string? Check(string arg)
    {
        if (arg.IndexOfAny(['\n', '\r', '\0']) >= 0)
            return "sbatch argument must not contain line breaks or NUL characters";

        if (SbatchOwnedOptions.OwnedBy(arg) is { } owned)
            return $"sbatch argument '{arg}' sets {owned}, which the daemon controls";

        if (!arg.StartsWith("--", StringComparison.Ordinal))
            return $"sbatch argument '{arg}' must be a long option starting with '--' (e.g. --gres=gpu:1)";

        var end = arg.IndexOfAny(['=', ' ', '\t']);
        var name = end < 0 ? arg : arg[..end];
        return name.Length <= 2 ? $"sbatch argument '{arg}' has no option name" : null;
    }
}
