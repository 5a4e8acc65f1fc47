using System.CommandLine;

namespace Emx2Hpc.Cli.Commands;

/// <summary>Options accepted before or after the command name (Recursive), like the Python daemon's.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Configuration file (default: $EMX2_HPC_CONFIG, then /etc/emx2-hpc/config.yaml)",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Debug logging", Recursive = true };

    public static readonly Option<bool> JsonLogs = new("--json-logs") { Description = "One JSON object per log line", Recursive = true };

    public static readonly Option<bool> AllowInsecureSecret = new("--allow-insecure-secret")
    {
        Description = "Accept a secret file readable by group or others",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Config, Verbose, JsonLogs, AllowInsecureSecret];
}
