namespace Emx2Hpc.Core.Scheduling;

/// <summary>The one list of sbatch options emx2-hpc sets or forbids itself, and the one reading of an sbatch
/// argument that both the config check (<c>profiles.*.sbatch_args</c>) and the batch-script builder use.
///
/// sbatch reads options with getopt_long, so the reading follows it: a long option may be abbreviated to any
/// unambiguous prefix (<c>--arr=0-99</c> is <c>--array</c>) unless the prefix is itself a complete option name,
/// its value follows after '=' or as the next word; short options may be clustered (<c>-vJname</c>), and the first
/// one that takes a value consumes the rest of the word.</summary>
public static class SbatchOwnedOptions
{
    /// <summary>Why each is owned: the tag recovery finds jobs by (job name, comment), the log and working paths
    /// collection relies on, the job's environment (--export, --export-file, --get-user-env would pass the
    /// daemon's or a login environment into the job), the cluster the job runs on (-M: squeue/sacct would no longer
    /// see it), and shapes of submission the daemon does not model (arrays, --wrap, --parsable output, --wait and
    /// --test-only, which block or do not submit; help/usage/version print and exit; --uid/--gid change identity).</summary>
    public static readonly IReadOnlyList<string> Long =
    [
        "--job-name", "--comment", "--output", "--error", "--input", "--chdir", "--export", "--export-file", "--get-user-env",
        "--array", "--wrap", "--parsable", "--wait", "--test-only", "--clusters", "--uid", "--gid", "--container",
        "--help", "--usage", "--version",
    ];

    /// <summary>Short forms of owned options (sbatch's -J -o -e -i -D -a -W -M -h -u -V).</summary>
    private static readonly IReadOnlyDictionary<char, string> Short = new Dictionary<char, string>
    {
        ['J'] = "--job-name", ['o'] = "--output", ['e'] = "--error", ['i'] = "--input", ['D'] = "--chdir", ['a'] = "--array",
        ['W'] = "--wait", ['M'] = "--clusters", ['h'] = "--help", ['u'] = "--usage", ['V'] = "--version",
    };

    /// <summary>Short options of sbatch 22.05 that take a value (the rest of the word, or the next word).</summary>
    private const string ShortWithValue = "AabcCdDeFGiJLMmNnopqStwx";

    /// <summary>Every long option sbatch 22.05 knows, so an exact name is never mistaken for an abbreviation of an
    /// owned one (getopt prefers the exact match). Options of newer releases fall back to the prefix rule.</summary>
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "--account", "--array", "--bb", "--bbf", "--begin", "--chdir", "--cluster-constraint", "--clusters", "--comment",
        "--constraint", "--container", "--contiguous", "--core-spec", "--cores-per-socket", "--cpu-freq", "--cpus-per-gpu",
        "--cpus-per-task", "--deadline", "--delay-boot", "--dependency", "--distribution", "--error", "--exclude",
        "--exclusive", "--export", "--export-file", "--extra-node-info", "--get-user-env", "--gid", "--gpu-bind",
        "--gpu-freq", "--gpus", "--gpus-per-node", "--gpus-per-socket", "--gpus-per-task", "--gres", "--gres-flags",
        "--help", "--hold", "--ignore-pbs", "--input", "--job-name", "--licenses", "--mail-type", "--mail-user",
        "--mcs-label", "--mem", "--mem-per-cpu", "--mem-per-gpu", "--mincpus", "--nice", "--no-kill", "--no-requeue",
        "--nodefile", "--nodelist", "--nodes", "--ntasks", "--ntasks-per-core", "--ntasks-per-node", "--ntasks-per-socket",
        "--output", "--overcommit", "--oversubscribe", "--parsable", "--partition", "--power", "--priority", "--profile",
        "--propagate", "--qos", "--quiet", "--reboot", "--requeue", "--reservation", "--signal", "--sockets-per-node",
        "--spread-job", "--switches", "--test-only", "--thread-spec", "--threads-per-core", "--time", "--time-min",
        "--tmp", "--uid", "--usage", "--use-min-nodes", "--verbose", "--version", "--wait", "--wait-all-nodes", "--wckey",
        "--wrap",
    };

    /// <summary>The owned option (as written in <see cref="Long"/>, or "-X" for a short form) that
    /// <paramref name="argument"/> would set, or null. <paramref name="argument"/> is one sbatch_args entry or one
    /// #SBATCH line: it may hold several words (<c>--opt value</c>); every word is read, a value word too, because
    /// refusing a look-alike value is cheaper than reproducing which words sbatch takes as values.</summary>
    public static string? OwnedBy(string argument)
    {
        foreach (var word in argument.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            if (OwnedByWord(word) is { } owned) return owned;
        return null;
    }

    private static string? OwnedByWord(string word)
    {
        if (word.StartsWith("--", StringComparison.Ordinal))
        {
            var end = word.IndexOf('=');
            var name = end < 0 ? word : word[..end];
            if (name.Length <= 2) return null; // "--" ends the options; nothing follows on an #SBATCH line
            if (Long.Contains(name)) return name;
            if (Known.Contains(name)) return null;
            return Long.FirstOrDefault(o => o.StartsWith(name, StringComparison.Ordinal));
        }
        if (word.Length < 2 || word[0] != '-') return null;
        for (var i = 1; i < word.Length; i++)
        {
            var c = word[i];
            if (Short.ContainsKey(c)) return "-" + c;
            if (ShortWithValue.Contains(c)) return null; // the rest of the word is this option's value
        }
        return null;
    }
}
