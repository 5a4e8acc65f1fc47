using Emx2Hpc.Emulator.Faults;
using Emx2Hpc.Tests.Unit.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>The state database is the worker's memory, not the record: when it is corrupted (quarantined as
/// state.db.corrupt-*) or deleted between cycles, the next cycle rebuilds tracking from the jobs EMX2 says this
/// worker holds and the scheduler jobs carrying their tags. Jobs in every phase then finish with the right status
/// and exactly one submission each.</summary>
[Collection(FaultsCollection.Name)]
public sealed class StateLossTests(ITestOutputHelper output)
{
    public enum Loss { Corrupt, Delete }

    [Theory]
    [InlineData(Loss.Corrupt)]
    [InlineData(Loss.Delete)]
    public async Task Lost_state_between_cycles_is_rebuilt_by_adoption(Loss loss)
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-stateloss-"));
        // Long-running jobs (3 steps) are in flight when the state goes; a second batch is claimed and submitted by
        // the cycle right before the loss, so some are SUBMITTED, some STARTED, some only just reported.
        var early = await JobMix.CreateAsync(site, 6, stepsOf: _ => 3);
        await RunCleanAsync(site);
        var late = await JobMix.CreateAsync(site, 6, stepsOf: i => i % 2);
        await RunCleanAsync(site);
        var jobs = early.Concat(late).ToList();
        Assert.Contains(jobs, j => !KillTrial.AllTerminal(site, [j]));

        LoseState(site, loss);
        var recovery = await RunCleanAsync(site);
        if (loss == Loss.Corrupt)
        {
            Assert.Contains("is corrupt", recovery.Output, StringComparison.Ordinal);
            Assert.Single(QuarantinedDatabases(site));
        }
        Assert.Contains("adopted job", recovery.Output, StringComparison.Ordinal);

        await RunUntilTerminalAsync(site, jobs);
        var verdict = TrialVerifier.Verify(site, jobs, checkAudit: false);
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems));
        output.WriteLine($"{loss}: {jobs.Count} jobs recovered, {verdict.Orphans} orphans");
        site.DeleteFiles();
    }

    /// <summary>The worst moment to lose the state: results published and the final reports queued, but EMX2 was
    /// refusing them. Nothing local remembers the artifacts, so the adopted jobs publish theirs again; the first
    /// ones stay behind unreferenced (the one cost of losing the database, counted and printed here). No job is
    /// lost, none is submitted twice, and EMX2 ends with the right status and a committed artifact for each role.</summary>
    [Theory]
    [InlineData(Loss.Corrupt)]
    [InlineData(Loss.Delete)]
    public async Task Lost_state_with_final_reports_still_queued_still_completes_every_job(Loss loss)
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-stateloss-queued-"));
        var jobs = await JobMix.CreateAsync(site, 6, stepsOf: _ => 1);
        await RunCleanAsync(site); // claimed, submitted, started
        site.Server.SetFaultPlan(new FaultPlan
        {
            Rules = [new FaultRule { Method = "POST", PathPattern = "^/api/hpc/jobs/[^/]+/complete$", Action = FaultAction.ServiceUnavailable }],
        });
        await RunCleanAsync(site); // finished and published; /complete refused, so the reports stay queued
        Assert.All(jobs, j => Assert.Equal("STARTED", site.Server.GetJob(j.Id)!.Status));
        site.Server.SetFaultPlan(null);

        LoseState(site, loss);
        await RunUntilTerminalAsync(site, jobs);
        var verdict = TrialVerifier.Verify(site, jobs, checkAudit: false);
        var notDuplicateArtifacts = verdict.Problems.Where(p => !p.Contains("not referenced by the job", StringComparison.Ordinal)).ToList();
        Assert.True(verdict.Lost == 0 && notDuplicateArtifacts.Count == 0, string.Join('\n', verdict.Problems));
        Assert.DoesNotContain(verdict.Problems, p => p.Contains("submitted", StringComparison.Ordinal) && p.Contains("times", StringComparison.Ordinal));
        output.WriteLine($"{loss} with final reports queued: {jobs.Count} jobs completed; {verdict.Duplicated} artifacts published twice " +
                         $"(the first copies stay committed but unreferenced), {verdict.Orphans} empty orphans");
        site.DeleteFiles();
    }

    /// <summary>Ten cron runs meet a corrupt database at the same moment: exactly one of them may move it aside, and
    /// never the fresh database another one has just created and is running a cycle on.</summary>
    [Fact]
    public async Task Concurrent_runs_meeting_a_corrupt_database_quarantine_it_once()
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-stateloss-concurrent-"));
        var jobs = await JobMix.CreateAsync(site, 8, stepsOf: _ => 2);
        await RunCleanAsync(site);
        LoseState(site, Loss.Corrupt);

        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Daemon.OnceAsync(site.ConfigPath)));
        foreach (var run in runs) Assert.True(run.ExitCode == 0, KillTrial.Tail(run.Output));
        Assert.Single(QuarantinedDatabases(site));
        Assert.Equal(1, runs.Count(r => r.Output.Contains("is corrupt", StringComparison.Ordinal)));

        await RunUntilTerminalAsync(site, jobs);
        var verdict = TrialVerifier.Verify(site, jobs, checkAudit: false);
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems));
        site.DeleteFiles();
    }

    private static List<string> QuarantinedDatabases(FaultSite site) =>
        Directory.GetFiles(site.StateDir, "state.db.corrupt-*")
            .Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal))
            .ToList();

    internal static void LoseState(FaultSite site, Loss loss)
    {
        if (loss == Loss.Delete)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(site.StateDb + suffix);
            return;
        }
        var garbage = new byte[16384];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(site.StateDb, garbage);
    }

    private static async Task<DaemonRun> RunCleanAsync(FaultSite site)
    {
        var run = await Daemon.OnceAsync(site.ConfigPath);
        Assert.True(run.ExitCode == 0, KillTrial.Tail(run.Output));
        return run;
    }

    private static async Task RunUntilTerminalAsync(FaultSite site, IReadOnlyList<PlannedJob> jobs, int maxRuns = 10)
    {
        for (var i = 0; i < maxRuns && !KillTrial.AllTerminal(site, jobs); i++) await RunCleanAsync(site);
        Assert.True(KillTrial.AllTerminal(site, jobs), "jobs still not terminal after " + maxRuns + " runs");
    }
}
