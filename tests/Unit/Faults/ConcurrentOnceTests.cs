using Emx2Hpc.Tests.Unit.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>Cron overlap: ten `once` processes started together on one config. One cycle runs, the others
/// skip with exit 0 and say why; nothing is claimed or submitted twice, and waves of such bursts finish every job.</summary>
[Collection(FaultsCollection.Name)]
public sealed class ConcurrentOnceTests(ITestOutputHelper output)
{
    private const int Processes = 10;

    [Fact]
    public async Task Ten_concurrent_once_runs_from_a_fresh_state_never_double_claim_or_double_submit()
    {
        var root = FaultPaths.NewRoot("emx2-concurrent-");
        await using var site = await FaultSite.StartAsync(root);
        var jobs = await JobMix.CreateAsync(site, 12);

        int skipped = 0, cycles = 0, waves = 0;
        for (; waves < 8 && !KillTrial.AllTerminal(site, jobs); waves++)
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(_ => Daemon.OnceAsync(site.ConfigPath)));
            foreach (var run in runs)
                Assert.True(run.ExitCode == 0, $"a concurrent once exited {run.ExitCode}:\n{KillTrial.Tail(run.Output)}");
            var waveSkips = runs.Count(r => r.Output.Contains("skipping this cycle: another cycle is running", StringComparison.Ordinal));
            var waveCycles = runs.Count(r => r.Output.Contains("cycle complete:", StringComparison.Ordinal));
            output.WriteLine($"wave {waves + 1}: {waveCycles} cycles ran, {waveSkips} skipped");
            Assert.Equal(Processes, waveSkips + waveCycles);
            skipped += waveSkips;
            cycles += waveCycles;
        }

        Assert.True(skipped > 0, "no run was skipped: ten processes at once never overlapped?");
        var verdict = TrialVerifier.Verify(site, jobs);
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems));
        output.WriteLine($"{waves} waves of {Processes}: {cycles} cycles ran, {skipped} skipped; {verdict.Orphans} orphans");
        site.DeleteFiles();
    }

    [Fact]
    public async Task Lock_wait_queues_overlapping_runs_instead_of_skipping_them()
    {
        var root = FaultPaths.NewRoot("emx2-lockwait-");
        await using var site = await FaultSite.StartAsync(root);
        var jobs = await JobMix.CreateAsync(site, 4);
        var first = await Daemon.OnceAsync(site.ConfigPath); // the state database exists from here on
        Assert.Equal(0, first.ExitCode);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Daemon.OnceAsync(site.ConfigPath, extra: ["--lock-wait", "120"])));
        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 0, KillTrial.Tail(run.Output));
            Assert.Contains("cycle complete:", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("skipping this cycle", run.Output, StringComparison.Ordinal);
        }
        Assert.True(KillTrial.AllTerminal(site, jobs));
        var verdict = TrialVerifier.Verify(site, jobs);
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems));
        site.DeleteFiles();
    }
}
