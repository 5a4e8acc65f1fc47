using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Checks for paths and names that end up in batch scripts or on the apptainer command line. Cluster
/// paths are POSIX paths whatever OS the config is edited on, so "absolute" means "starts with /".</summary>
internal static partial class PathRules
{
    public static bool IsAbsolutePosix(string path) => path.StartsWith('/');

    public static bool HasControlCharacters(string value) => value.Any(char.IsControl);

    public static bool IsEnvironmentName(string name) => EnvironmentName().IsMatch(name);

    /// <summary>Null when <c>src[:dst[:opts]]</c> is acceptable, else the reason. Commas are refused because
    /// apptainer splits <c>--bind</c> on them, so one entry could smuggle in another.</summary>
    public static string? CheckBindPath(string spec)
    {
        if (HasControlCharacters(spec)) return "bind path must not contain control characters";
        if (spec.Contains(',')) return $"bind path '{spec}' must not contain ',' (give one entry per list item)";

        var parts = spec.Split(':');
        if (parts.Length > 3) return $"bind path '{spec}' has too many ':' parts (expected src[:dst[:opts]])";
        if (!IsAbsolutePosix(parts[0])) return $"bind path '{spec}' must start with an absolute source path";
        if (parts.Length > 1 && !IsAbsolutePosix(parts[1])) return $"bind path '{spec}' must have an absolute destination path";
        if (parts.Length > 2 && parts[2].Length == 0) return $"bind path '{spec}' has an empty options part";
        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
