using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Reads the job id from <c>sbatch --parsable</c>: "12345", or "12345;cluster" when the submission named
/// a cluster (-M) or the cluster is federated (seen on 22.05: "3;emx2hpc").</summary>
public static partial class SbatchOutput
{
    /// <summary>The numeric job id, or null when stdout is not exactly one id line.</summary>
    public static string? ParseJobId(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 1) return null;
        var match = Parsable().Match(lines[0]);
        return match.Success ? match.Groups["id"].Value : null;
    }

    [GeneratedRegex("^(?<id>[0-9]+)(?:;[^;\\s]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Parsable();
}
