using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Checks;

/// <summary>What <c>check</c> says to an admin replacing the Python emx2-hpc-daemon: each older key the file still
/// uses and its new name, whether the state database setting points at the Python daemon's tracker, and — when the
/// configuration or this machine shows the Python daemon was here — what behaves differently with this worker.</summary>
public static class TakeoverChecks
{
    public static IEnumerable<CheckResult> Run(HpcConfig config, Func<string, string?>? env = null)
    {
        foreach (var deprecation in config.Deprecations)
            yield return new CheckResult("deprecated key", CheckStatus.Warn, deprecation.ToString());

        var pythonKind = PythonStateFile.Identify(config.Worker.StateDb);
        var stateDbIsPython = pythonKind is not null;
        if (stateDbIsPython)
            yield return new CheckResult("python state", CheckStatus.Fail,
                $"worker.state_db {config.Worker.StateDb} is {pythonKind}: give this worker its own file, " +
                $"then run 'emx2-hpc import-python-state --from {config.Worker.StateDb}'");
        var defaultPython = PythonStateFile.DefaultPath(env);
        var pythonHere = !stateDbIsPython && PythonStateFile.Identify(defaultPython) is not null;
        if (pythonHere)
            yield return new CheckResult("python state", CheckStatus.Warn,
                $"the Python emx2-hpc-daemon's tracker is at {defaultPython}: stop its cron entry, then run 'emx2-hpc import-python-state'");

        if (config.Deprecations.Count == 0 && !stateDbIsPython && !pythonHere) yield break;
        foreach (var change in BehaviourChanges(config))
            yield return new CheckResult("changed behaviour", CheckStatus.Warn, change);
    }

    /// <summary>Differences from the Python daemon that apply to this configuration (REFERENCE-DAEMON §2, §3).</summary>
    public static IEnumerable<string> BehaviourChanges(HpcConfig config)
    {
        foreach (var profile in config.Profiles.Where(p => p.Partition is null && p.EffectivePartition(config.Slurm) != "normal"))
            yield return $"profile {profile.DisplayName} sets no partition: its jobs now go to slurm.default_partition " +
                         $"'{config.Slurm.DefaultPartition}' (the Python daemon sent them to 'normal', its per-profile default)";
        foreach (var profile in config.Profiles.Where(p => p.Key.Count(c => c == ':') > 1 && !p.Key.Contains('/')))
            yield return $"profile key '{profile.Key}' is processor '{profile.Processor}', profile '{profile.Profile}' " +
                         "(split on the last ':'; the Python daemon advertised it split on the first)";
        yield return "Slurm job names are now emx2-<full EMX2 job id> with --comment emx2hpc:<id> (the Python daemon used " +
                     "emx2-<first 8 characters>); jobs it submitted are still recognised and adopted";
        yield return "jobs run with --export=NONE and --chdir=<job>/work: the daemon's environment and working directory " +
                     "no longer reach them (put what they need in the profile's environment)";
        yield return "a job is reported COMPLETED only with its committed output artifact; an output that cannot be published, " +
                     "or an output directory that is not under apptainer.tmp_dir, makes it FAILED with the reason";
        if (config.Staging.AllowedPosixRoots.Count == 0)
            yield return "posix input artifacts are refused until staging.allowed_posix_roots lists the directories they may " +
                         "live in (the Python daemon linked any path)";
        yield return $"state database: {config.Worker.StateDb} (the Python daemon's was {PythonStateFile.DefaultPath()} " +
                     "unless worker.state_db was set); import its jobs with 'emx2-hpc import-python-state'";
    }
}
