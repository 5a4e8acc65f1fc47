namespace Emx2Hpc.Core.Configuration;

/// <summary>Which config file to use, in the order every host (CLI, cmdlets) applies.</summary>
public static class ConfigLocator
{
    public const string EnvironmentVariable = "EMX2_HPC_CONFIG";
    public const string DefaultPath = "/etc/emx2-hpc/config.yaml";

    /// <summary>The explicit path if given, else <c>$EMX2_HPC_CONFIG</c>, else <see cref="DefaultPath"/>.
    /// Blank values count as not given.</summary>
    public static string Resolve(string? explicitPath, Func<string, string?>? env = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return explicitPath;
        var fromEnvironment = (env ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultPath : fromEnvironment;
    }
}
