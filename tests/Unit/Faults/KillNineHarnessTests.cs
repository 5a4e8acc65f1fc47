using System.Diagnostics;
using Emx2Hpc.Tests.Unit.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>The crash-safety claim of ARCHITECTURE.md, measured: the real `emx2-hpc once --simulate` is killed with
/// SIGKILL at a random moment (seeded; uniform over the calibrated length of the run being killed, so kills land in
/// startup, register, reconcile, claim, staging, submit, monitor, upload, report and complete), then run as cron
/// would until every job is terminal. No job may be lost or end in the wrong status, none submitted twice, no
/// artifact duplicated; leftover empty CREATED artifacts are counted apart.
/// EMX2HPC_FAULT_TRIALS (default 200), EMX2HPC_FAULT_JOBS (20), EMX2HPC_FAULT_SEED, EMX2HPC_FAULT_PARALLEL (2 trials
/// at a time) choose the campaign; the figures go to the test output and out/faults/summary.txt
/// ($EMX2HPC_FAULT_SUMMARY).</summary>
[Collection(FaultsCollection.Name)]
public sealed class KillNineHarnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigkill_anywhere_in_a_cycle_neither_loses_nor_duplicates_work()
    {
        var trials = FaultEnv.Int("EMX2HPC_FAULT_TRIALS", 200);
        var jobs = FaultEnv.Int("EMX2HPC_FAULT_JOBS", 20);
        var seed = FaultEnv.Int("EMX2HPC_FAULT_SEED", 20240611);
        var parallel = Math.Max(1, FaultEnv.Int("EMX2HPC_FAULT_PARALLEL", 2));
        var campaign = await KillCampaign.RunAsync(new KillCampaign.Settings
        {
            Title = $"kill -9 harness: emx2-hpc once --simulate against the in-process emulator; seed {seed}, {jobs} jobs per trial, {parallel} trials at a time",
            Trials = trials, Seed = seed, Parallel = parallel, RootPrefix = "emx2-kill9-",
            Trial = new KillTrial.Options { Jobs = jobs },
        });
        foreach (var line in campaign.TrialLines) output.WriteLine(line);
        var path = campaign.Figures.Write();
        output.WriteLine(campaign.Figures.ToText());
        output.WriteLine($"figures written to {path}");
        var f = campaign.Figures;
        Assert.True(f.Lost == 0 && f.Duplicated == 0 && f.Violations == 0, f.ToText());
        Assert.True(trials < 20 || f.KillsLanded * 2 > f.Trials, $"fewer than half of the kills landed; the calibration is off:\n{f.ToText()}");
    }
}

/// <summary>Calibration plus N kill trials; shared by the simulated harness and its live-Slurm variant.</summary>
internal static class KillCampaign
{
    public sealed record Settings
    {
        public required string Title { get; init; }
        public int Trials { get; init; }
        public int Seed { get; init; }
        public int Parallel { get; init; } = 1;
        public required string RootPrefix { get; init; }
        public required KillTrial.Options Trial { get; init; }
        /// <summary>Share of trials whose kill hits the second run (the one finishing the multi-step jobs).</summary>
        public double SecondRunShare { get; init; } = 0.25;
        /// <summary>Share of kills aimed at process start-up (nothing has happened yet: the cheapest phase to test,
        /// and a uniform delay over the whole run would put a third of the kills there).</summary>
        public double StartupShare { get; init; } = 0.1;
    }

    public sealed record Result(FaultFigures Figures, IReadOnlyList<string> TrialLines);

    private static string Truncate(string? line) => line is null ? "" : line.Length <= 160 ? line : line[..160] + "…";

    public static async Task<Result> RunAsync(Settings settings)
    {
        var baseDir = FaultPaths.NewRoot(settings.RootPrefix, settings.Trial.TempParent);
        var watch = Stopwatch.StartNew();
        var figures = new FaultFigures(settings.Title);

        // Calibrate under the same load the trials will see: `Parallel` undisturbed trials at once, twice. The first
        // round pays for cold caches (the first spawns of the executable, the emulator's first requests) and only
        // has to pass; the second round's run lengths are the ones kills are drawn from.
        var calibrations = Array.Empty<TrialOutcome>();
        for (var round = 0; round < 2; round++)
        {
            calibrations = await Task.WhenAll(Enumerable.Range(0, settings.Parallel).Select(i =>
                KillTrial.RunAsync(Path.Combine(baseDir, $"calibration-{round}-{i}"), settings.Trial)));
            foreach (var c in calibrations)
            {
                if (!c.Result.Clean)
                {
                    figures.Violations++;
                    figures.Problems.Add($"calibration trial without kill failed (files in {c.Root})");
                    figures.Problems.AddRange(c.Result.Problems.Select(p => "calibration: " + p));
                }
                else Directory.Delete(c.Root, recursive: true);
            }
        }
        var runsToCalibrate = Math.Min(2, calibrations.Min(c => c.RunCount));
        var lengths = Enumerable.Range(0, runsToCalibrate)
            .Select(r => new RunLength(calibrations.Select(c => c.Runs[r])))
            .ToList();
        figures.Notes.Add($"calibration (no kill, {calibrations.Length} at once): runs to converge {string.Join("/", calibrations.Select(c => c.RunCount))}; " +
                          $"median length of run 1{(lengths.Count > 1 ? " and run 2" : "")}: {string.Join(", ", lengths.Select(d => $"{d.Median.TotalSeconds:0.00} s (first log line at {d.Startup.TotalSeconds:0.00} s)"))}; " +
                          $"each trial kills run 1 ({1 - settings.SecondRunShare:P0}) or run 2 ({settings.SecondRunShare:P0}): {settings.StartupShare:P0} of the kills " +
                          "at a uniform delay within process start-up (before the first log line), the rest uniform over the rest of the run " +
                          "(medians, updated with every undisturbed run 1 seen since)");

        // Every random draw happens here, in order, so a seed names the same campaign whatever the parallelism.
        var rng = new Random(settings.Seed);
        var plans = Enumerable.Range(0, settings.Trials).Select(t =>
        {
            var killRun = lengths.Count > 1 && rng.NextDouble() < settings.SecondRunShare ? 1 : 0;
            return (Index: t, KillRun: killRun, InStartup: rng.NextDouble() < settings.StartupShare, Fraction: rng.NextDouble());
        }).ToList();

        var lines = new string[plans.Count];
        var gate = new object();
        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel }, async (plan, _) =>
        {
            TimeSpan delay;
            lock (gate) delay = lengths[plan.KillRun].Delay(plan.InStartup, plan.Fraction);
            var outcome = await KillTrial.RunAsync(Path.Combine(baseDir, $"trial-{plan.Index:000}"),
                settings.Trial with { KillRun = plan.KillRun, KillDelay = delay });
            var line = $"trial {plan.Index,3}: kill run {plan.KillRun + 1} at {delay.TotalMilliseconds,5:0} ms: " +
                       (outcome.KillLanded ? $"landed ({outcome.KillPhase}{(outcome.KillPhase == "other" ? ": " + Truncate(outcome.Runs[plan.KillRun].LastLineBeforeKill) : "")})" : "too late") + "; runs " +
                       string.Join(" ", outcome.Runs.Select(r => $"{r.Duration.TotalSeconds:0.00}")) +
                       (outcome.Result.Orphans > 0 ? $"; {outcome.Result.Orphans} orphan(s)" : "") +
                       (outcome.Result.Clean ? "" : "; PROBLEMS (files kept in " + outcome.Root + ")");
            lock (gate)
            {
                lines[plan.Index] = line;
                if (plan.KillRun > 0) lengths[0].Add(outcome.Runs[0]);
                figures.Trials++;
                figures.Add(outcome.Result);
                figures.DaemonRuns += outcome.RunCount;
                figures.MaxRunsToConverge = Math.Max(figures.MaxRunsToConverge, outcome.RunCount);
                if (outcome.KillLanded)
                {
                    figures.KillsLanded++;
                    figures.KillPhases[outcome.KillPhase!] = figures.KillPhases.GetValueOrDefault(outcome.KillPhase!) + 1;
                }
                if (!outcome.Result.Clean)
                {
                    var killed = outcome.Runs[Math.Min(plan.KillRun, outcome.Runs.Count - 1)];
                    figures.Problems.Add($"trial {plan.Index}: kill in run {plan.KillRun + 1} after {delay.TotalMilliseconds:0} ms, " +
                                         (outcome.KillLanded ? $"last line before it: {killed.LastLineBeforeKill}" : "did not land"));
                    figures.Problems.AddRange(outcome.Result.Problems.Select(p => $"trial {plan.Index}: {p}"));
                }
            }
            if (outcome.Result.Clean) Directory.Delete(outcome.Root, recursive: true);
        });

        figures.Elapsed = watch.Elapsed;
        if (figures.Problems.Count == 0) Directory.Delete(baseDir, recursive: true);
        return new Result(figures, lines);
    }
}

/// <summary>Observed lengths of one run of a trial, and when it logged its first line (end of start-up): medians,
/// because the daemon's speed follows the machine's load.</summary>
internal sealed class RunLength
{
    private readonly List<TimeSpan> _lengths = [];
    private readonly List<TimeSpan> _startups = [];

    public RunLength(IEnumerable<DaemonRun> seed)
    {
        foreach (var run in seed) Add(run);
    }

    public void Add(DaemonRun run)
    {
        _lengths.Add(run.Duration);
        if (run.Lines.Count > 0) _startups.Add(run.Lines[0].At);
    }

    public TimeSpan Median => _lengths.Order().ElementAt(_lengths.Count / 2);
    public TimeSpan Startup => _startups.Count == 0 ? TimeSpan.Zero : _startups.Order().ElementAt(_startups.Count / 2);

    /// <summary>A delay within start-up, or within the working part of the run, at <paramref name="fraction"/> of it.</summary>
    public TimeSpan Delay(bool inStartup, double fraction)
    {
        var startup = Startup < Median ? Startup : TimeSpan.Zero;
        return inStartup ? fraction * startup : startup + fraction * (Median - startup);
    }
}
