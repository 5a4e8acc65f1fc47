using System.Diagnostics;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.Unit.Faults.Support;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>Faults against the live Slurm on this machine (EMX2HPC_E2E=1; partition debug), through the real
/// `emx2-hpc once` without --simulate, i.e. SlurmCli with sbatch/squeue/sacct/scancel. The cluster is shared with
/// other test runs: one short slurmctld restart per run, jobs that sleep a few seconds at most otherwise.</summary>
[Collection(FaultsCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LiveSlurmFaultTests(ITestOutputHelper output)
{
    private const string ProvisionScript = "e2e/vagrant/provision.sh";

    /// <summary>slurmctld goes away while a job runs (slurmd keeps running it) and comes back: the cycles in between
    /// see an unreachable scheduler, which must change nothing — no FAILED, no resubmission — and the job completes.</summary>
    [E2EFact]
    public async Task Slurmctld_restarted_mid_job_is_neither_a_failure_nor_a_resubmission()
    {
        var bin = LiveBin();
        try
        {
            await RestartScenarioAsync(bin);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bin)!, recursive: true);
        }
    }

    private async Task RestartScenarioAsync(string bin)
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-live-restart-", "/tmp"), profileYaml: Profile(bin));
        var jobId = await site.CreateJobAsync(new { args = new object[] { "--index", 0, "--sleep", 20 } });
        var job = new PlannedJob(jobId, JobStatus.Completed, 0, false, false);

        var first = await Daemon.OnceAsync(site.ConfigPath, simulate: false);
        Assert.True(first.ExitCode == 0, first.Output);
        await WaitForAsync(() => site.Server.GetJob(jobId)!.Status == JobStatus.Started, site, TimeSpan.FromSeconds(60));

        // Restart slurmctld (down 4 s) while cron keeps running cycles every 2 s.
        var restart = Process.Start(new ProcessStartInfo("bash", [Path.Combine(FaultFigures.RepoRoot(), ProvisionScript), "--restart-slurmctld", "--down", "4"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var restartOutput = Task.WhenAll(restart.StandardOutput.ReadToEndAsync(), restart.StandardError.ReadToEndAsync());
        var sawUnavailable = false;
        var clock = Stopwatch.StartNew();
        while (!restart.HasExited)
        {
            var run = await Daemon.OnceAsync(site.ConfigPath, simulate: false);
            sawUnavailable |= run.Output.Contains("scheduler unavailable", StringComparison.Ordinal);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s: cycle of {run.Duration.TotalSeconds:0.0} s, exit {run.ExitCode}, job {site.Server.GetJob(jobId)!.Status}; " +
                             string.Join(" | ", run.Lines.Select(l => l.Line).Where(l => l.Contains("WARN", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal))));
            Assert.NotEqual(JobStatus.Failed, site.Server.GetJob(jobId)!.Status);
            await Task.Delay(2000);
        }
        await restart.WaitForExitAsync();
        var texts = await restartOutput;
        Assert.True(restart.ExitCode == 0, $"provision.sh --restart-slurmctld failed: {texts[0]}{texts[1]}");
        // squeue either fails fast (the cycle logs "scheduler unavailable" and changes nothing) or blocks until the
        // controller answers again (the cycle just takes longer); both must leave the job alone.
        output.WriteLine($"slurmctld restarted; a cycle saw the scheduler unavailable: {sawUnavailable}");

        for (var i = 0; i < 40 && !JobStatus.IsTerminal(site.Server.GetJob(jobId)!.Status); i++)
        {
            var run = await Daemon.OnceAsync(site.ConfigPath, simulate: false);
            Assert.True(run.ExitCode == 0, run.Output);
            await Task.Delay(2000);
        }
        var verdict = TrialVerifier.Verify(site, [job], submissions: await SlurmSubmissionsAsync([job]));
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems) + "\n" + string.Join(" → ", site.Server.GetTransitions(jobId).Select(t => t.ToStatus)));
        site.DeleteFiles();
    }

    /// <summary>The kill -9 harness with real sbatch: fewer trials (EMX2HPC_FAULT_LIVE_TRIALS, default 20) of 4 jobs.
    /// A kill during sbatch leaves an orphaned sbatch child that may still queue the job: the next cycles must find it
    /// by its tag (or wait out the settle time) instead of submitting a second one.</summary>
    [E2EFact]
    public async Task Sigkill_with_real_slurm_neither_loses_nor_duplicates_work()
    {
        var bin = LiveBin();
        var trials = FaultEnv.Int("EMX2HPC_FAULT_LIVE_TRIALS", 20);
        var seed = FaultEnv.Int("EMX2HPC_FAULT_SEED", 20240611);
        KillCampaign.Result campaign;
        try
        {
            campaign = await LiveCampaignAsync(bin, trials, seed);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bin)!, recursive: true);
        }
        foreach (var line in campaign.TrialLines) output.WriteLine(line);
        var path = campaign.Figures.Write("summary-live-slurm.txt");
        output.WriteLine(campaign.Figures.ToText());
        output.WriteLine($"figures written to {path}");
        var f = campaign.Figures;
        Assert.True(f.Lost == 0 && f.Duplicated == 0 && f.Violations == 0, f.ToText());
    }

    private static Task<KillCampaign.Result> LiveCampaignAsync(string bin, int trials, int seed) =>
        KillCampaign.RunAsync(new KillCampaign.Settings
        {
            Title = $"kill -9 harness, live Slurm (emx2-hpc once, SlurmCli, partition debug); seed {seed}, 4 jobs per trial",
            Trials = trials, Seed = seed, Parallel = 1, RootPrefix = "emx2-live-kill9-",
            Trial = new KillTrial.Options
            {
                Jobs = 4, Simulate = false, ProfileYaml = Profile(bin), TempParent = "/tmp",
                Pause = TimeSpan.FromSeconds(1), MaxRuns = 120, Deadline = TimeSpan.FromMinutes(3),
                CountSubmissions = SlurmSubmissionsAsync,
            },
        });

    /// <summary>The workload: sleeps (default 1 s, --sleep S), writes a progress line and result.txt, and fails with
    /// exit code 3 for the indices the job mix plans to fail (index % 5 == 3).</summary>
    private static string LiveBin()
    {
        var bin = FaultPaths.NewRoot("emx2-live-bin-", "/tmp");
        var entry = Path.Combine(bin, "entry.sh");
        File.WriteAllText(entry, """
            #!/bin/bash
            idx=0; pause=1
            while [ $# -gt 0 ]; do
              case $1 in --index) idx=$2; shift ;; --sleep) pause=$2; shift ;; esac
              shift
            done
            echo '{"phase":"work","message":"sleeping","progress":0.5}' >> "$HPC_OUTPUT_DIR/.hpc_progress.jsonl"
            sleep "$pause"
            printf 'job %s index %s\n' "$HPC_JOB_ID" "$idx" > "$HPC_OUTPUT_DIR/result.txt"
            if [ $((idx % 5)) -eq 3 ]; then echo "failing on purpose" >&2; exit 3; fi
            echo done
            """.Replace("\r", ""));
        File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return entry;
    }

    private static string Profile(string entry) => $"""
            host_entrypoint: "{entry}"
            partition: debug
            cpus: 1
            time: "00:05:00"
            submission_timeout_seconds: 600
        """;

    /// <summary>Slurm jobs per EMX2 job, counted from accounting by the job name carrying the full EMX2 id.</summary>
    private static async Task<IReadOnlyDictionary<string, int>> SlurmSubmissionsAsync(IReadOnlyList<PlannedJob> jobs)
    {
        var wanted = jobs.ToDictionary(j => "emx2-" + j.Id, j => j.Id, StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var start = new ProcessStartInfo("sacct", ["-X", "-n", "-P", "-a", "-o", "JobID,JobName%200", "-S", "now-12hours"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var sacct = Process.Start(start)!;
            var stdout = await sacct.StandardOutput.ReadToEndAsync();
            await sacct.StandardError.ReadToEndAsync();
            await sacct.WaitForExitAsync();
            if (sacct.ExitCode != 0) { await Task.Delay(1000); continue; } // slurmdbd/slurmctld busy: ask again
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('|');
                if (parts.Length >= 2 && wanted.TryGetValue(parts[1].Trim(), out var id)) counts[id] = counts.GetValueOrDefault(id) + 1;
            }
            return counts;
        }
        throw new InvalidOperationException("sacct kept failing; cannot count submissions");
    }

    private static async Task WaitForAsync(Func<bool> condition, FaultSite site, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            var run = await Daemon.OnceAsync(site.ConfigPath, simulate: false);
            Assert.True(run.ExitCode == 0, run.Output);
            await Task.Delay(1000);
        }
    }
}
