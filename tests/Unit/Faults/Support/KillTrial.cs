using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>How one trial went: what it left (the verdict), whether the kill landed and where, and every run.</summary>
internal sealed record TrialOutcome(TrialResult Result, bool KillLanded, string? KillPhase, IReadOnlyList<DaemonRun> Runs, string Root)
{
    public int RunCount => Runs.Count;
}

/// <summary>One fault trial: a fresh site (emulator + config + state), a job mix, then `once` runs until every job
/// is terminal in EMX2 (bounded). Run number <c>killRun</c> gets SIGKILL <c>killDelay</c> after its start; the
/// runs after it (at least one) are plain cron runs that must converge.</summary>
internal static class KillTrial
{
    public sealed record Options
    {
        public int Jobs { get; init; } = 20;
        public int? KillRun { get; init; }
        public TimeSpan KillDelay { get; init; }
        public int MaxRuns { get; init; } = 10;
        public bool Simulate { get; init; } = true;
        /// <summary>Profile body for config.yaml (live Slurm: a real entrypoint and partition).</summary>
        public string? ProfileYaml { get; init; }
        /// <summary>Pause between runs (live Slurm: let jobs progress between cron runs).</summary>
        public TimeSpan Pause { get; init; } = TimeSpan.Zero;
        public string? Processor { get; init; }
        /// <summary>Parent of the trial directories (null: <see cref="FaultPaths"/> decides).</summary>
        public string? TempParent { get; init; }
        /// <summary>Scheduler submissions per EMX2 job id (live Slurm: from accounting); null: submissions.log.</summary>
        public Func<IReadOnlyList<PlannedJob>, Task<IReadOnlyDictionary<string, int>>>? CountSubmissions { get; init; }
        /// <summary>Upper bound of a whole trial (live Slurm jobs take real time).</summary>
        public TimeSpan? Deadline { get; init; }
    }

    public static async Task<TrialOutcome> RunAsync(string root, Options options)
    {
        await using var site = await FaultSite.StartAsync(root, profileYaml: options.ProfileYaml, processor: options.Processor);
        var jobs = await JobMix.CreateAsync(site, options.Jobs, options.Processor);
        var runs = new List<DaemonRun>();
        var problems = new List<string>();
        var landed = false;
        string? phase = null;
        var deadline = options.Deadline is { } limit ? DateTime.UtcNow + limit : DateTime.MaxValue;
        for (var i = 0; i < options.MaxRuns && DateTime.UtcNow < deadline; i++)
        {
            var kill = i == options.KillRun;
            var run = await Daemon.OnceAsync(site.ConfigPath, kill ? options.KillDelay : null, simulate: options.Simulate);
            runs.Add(run);
            if (kill)
            {
                landed = run.Killed;
                phase = landed ? KillPhase.Of(run.LastLineBeforeKill) : null;
            }
            else if (run.ExitCode != 0)
            {
                problems.Add($"run {i + 1} exited {run.ExitCode}: {Tail(run.Output)}");
            }
            // Cron always runs again after a kill: what the killed run did on EMX2 but had not yet recorded (a final
            // report delivered, its acknowledgement not yet written) is settled by that next run, so a trial never
            // ends on the killed run even when EMX2 already shows every job terminal.
            if (i > (options.KillRun ?? -1) && AllTerminal(site, jobs)) break;
            if (options.Pause > TimeSpan.Zero) await Task.Delay(options.Pause);
        }
        var counts = options.CountSubmissions is { } count ? await count(jobs) : null;
        var verdict = TrialVerifier.Verify(site, jobs, submissions: counts);
        if (problems.Count > 0)
            verdict = verdict with { Violations = verdict.Violations + problems.Count, Problems = [.. verdict.Problems, .. problems] };
        return new TrialOutcome(verdict, landed, phase, runs, root);
    }

    public static bool AllTerminal(FaultSite site, IEnumerable<PlannedJob> jobs) =>
        jobs.All(j => JobStatus.IsTerminal(site.Server.GetJob(j.Id)?.Status));

    public static string Tail(string text, int lines = 30) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
