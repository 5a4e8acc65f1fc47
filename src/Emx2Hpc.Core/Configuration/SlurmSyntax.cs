using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The value syntaxes sbatch accepts, checked at load time so a typo fails <c>check</c> instead of
/// every job at submit time. Character classes are ASCII on purpose: .NET's \d also matches other
/// scripts' digits, which Slurm does not.</summary>
internal static partial class SlurmSyntax
{
    /// <summary><c>--mem</c>: a number with an optional K/M/G/T suffix.</summary>
    public static bool IsMemory(string value) => Memory().IsMatch(value);

    /// <summary><c>--time</c>: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED/INFINITE.</summary>
    public static bool IsTime(string value) => Time().IsMatch(value);

    /// <summary><c>--gpus</c>: a count or <c>type:count</c>.</summary>
    public static bool IsGpus(string value) => Gpus().IsMatch(value);

    /// <summary>Partition, account and QOS names end up on <c>#SBATCH</c> lines; anything outside this set is
    /// either a typo or an attempt to smuggle a second option in. Partitions may be a comma list.</summary>
    public static bool IsName(string value, bool allowList)
        => allowList ? NameList().IsMatch(value) : Name().IsMatch(value);

    [GeneratedRegex("^[0-9]+[KMGTkmgt]?$")]
    private static partial Regex Memory();

    [GeneratedRegex("^(?:[0-9]+(?::[0-9]+){0,2}|[0-9]+-[0-9]+(?::[0-9]+){0,2}|(?i:unlimited|infinite))$")]
    private static partial Regex Time();

    [GeneratedRegex("^(?:[0-9]+|[A-Za-z0-9_-]+:[0-9]+)$")]
    private static partial Regex Gpus();

    [GeneratedRegex("^[A-Za-z0-9_.+@-]+$")]
    private static partial Regex Name();

    [GeneratedRegex("^[A-Za-z0-9_.+@-]+(?:,[A-Za-z0-9_.+@-]+)*$")]
    private static partial Regex NameList();
}
