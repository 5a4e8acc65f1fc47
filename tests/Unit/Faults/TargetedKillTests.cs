using System.Text.RegularExpressions;
using Emx2Hpc.Tests.Unit.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>SIGKILL right after each side effect the daemon logs (the random harness hits these windows only now and
/// then): EMX2 answered a claim, the scheduler accepted a job, EMX2 created an artifact, stored a file, committed
/// an artifact, took a transition, took the final report. The kill comes from the test's output reader, so the
/// daemon may get a step further; the invariants must hold wherever it stops. The next run also proves the
/// kernel released the cycle lock and names the dead holder.</summary>
[Collection(FaultsCollection.Name)]
public sealed class TargetedKillTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> KillPoints => new()
    {
        { "claim answered, job not yet tracked", @"POST /api/hpc/jobs/[^/ ]+/claim → 200" },
        { "staging: input file downloaded", @"downloaded input file" },
        { "scheduler accepted, job id not yet recorded", @"simulated — submitted" },
        { "artifact created, id not yet recorded", @"POST /api/hpc/artifacts → 201" },
        { "file stored, not yet marked uploaded", @"PUT /api/hpc/artifacts/[^ ]+ → 201" },
        { "artifact committed, not yet recorded", @"/commit → 200" },
        { "transition taken, not yet acknowledged", @"/transition → 200" },
        { "final report taken, not yet acknowledged", @"/complete → 200" },
    };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Kill_right_after_a_side_effect_converges_without_loss_or_duplicate(string moment, string pattern)
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-targeted-"));
        var jobs = await JobMix.CreateAsync(site, 10);
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);

        var killed = await Daemon.OnceAsync(site.ConfigPath, killWhen: regex.IsMatch);
        Assert.True(killed.Killed, $"{moment}: the daemon never logged /{pattern}/ (or ended before the kill):\n{KillTrial.Tail(killed.Output)}");

        var next = await Daemon.OnceAsync(site.ConfigPath);
        Assert.True(next.ExitCode == 0, KillTrial.Tail(next.Output));
        Assert.DoesNotContain("skipping this cycle", next.Output, StringComparison.Ordinal);
        Assert.Contains("previous cycle died without releasing its lock", next.Output, StringComparison.Ordinal);

        for (var i = 0; i < 6 && !KillTrial.AllTerminal(site, jobs); i++)
        {
            var run = await Daemon.OnceAsync(site.ConfigPath);
            Assert.True(run.ExitCode == 0, KillTrial.Tail(run.Output));
        }
        var verdict = TrialVerifier.Verify(site, jobs);
        Assert.True(verdict.Clean, $"{moment}:\n" + string.Join('\n', verdict.Problems));
        Assert.True(verdict.Orphans <= 1, $"{moment}: {verdict.Orphans} orphans from one kill");
        output.WriteLine($"{moment}: killed after \"{Shorten(killed.LastLineBeforeKill)}\"; converged clean, {verdict.Orphans} orphan(s)");
        site.DeleteFiles();
    }

    private static string Shorten(string? line) => line is null ? "" : line.Length > 140 ? line[..140] + "…" : line;
}
