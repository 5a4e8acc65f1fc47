using Xunit;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>Fault tests spawn many daemon processes and time their kills against a measured cycle length: they
/// run one at a time and after the parallel part of the suite, so other tests do not skew the timing.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "Faults";
}

/// <summary>Knobs read from the environment, with the CI defaults.</summary>
internal static class FaultEnv
{
    public static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : fallback;
}

/// <summary>Where fault trials keep their files: $EMX2HPC_FAULT_TMP, else /dev/shm when it is there (the trials
/// measure crash consistency against SIGKILL, which never loses the page cache; a RAM disk keeps the daemon's
/// fsyncs from dominating the runtime), else the system temp directory.</summary>
internal static class FaultPaths
{
    /// <param name="parent">Forced parent (live Slurm: a directory slurmd can execute scripts from).</param>
    public static string NewRoot(string prefix, string? parent = null)
    {
        parent ??= Environment.GetEnvironmentVariable("EMX2HPC_FAULT_TMP") is { Length: > 0 } env ? env
            : Directory.Exists("/dev/shm") && IsWritable("/dev/shm") ? "/dev/shm"
            : Path.GetTempPath();
        var dir = Path.Combine(parent, prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static bool IsWritable(string dir)
    {
        try
        {
            var probe = Path.Combine(dir, ".emx2-probe-" + Guid.NewGuid().ToString("N"));
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
