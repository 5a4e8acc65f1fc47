using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;
using Emx2Hpc.Emulator.Faults;
using Emx2Hpc.Tests.Unit.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>EMX2 stops taking reports for a while mid-lifecycle (POST /transition and /complete answer 503, refuse
/// the connection, hang up after committing, or time out) while the cluster keeps working. Every report waits in
/// the outbox and, once EMX2 is back, arrives exactly once and in order per job: the transition rows chain, the
/// progress values never go back, no row is doubled, and the outbox ends empty.</summary>
[Collection(FaultsCollection.Name)]
public sealed class Emx2OutageTests(ITestOutputHelper output)
{
    /// <param name="everything">False: only /transition and /complete fail (EMX2 up, reports refused). True: every
    /// /api/hpc request fails (EMX2 down): `once` then exits 1 so cron notices, yet the monitor pass still runs.</param>
    [Theory]
    [InlineData("503", false)]
    [InlineData("refuse", false)]
    [InlineData("drop-after-commit", false)]
    [InlineData("timeout", false)]
    [InlineData("503", true)]
    [InlineData("refuse", true)]
    public async Task Reports_refused_mid_lifecycle_are_all_delivered_in_order_afterwards(string action, bool everything)
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-outage-"));
        var early = await JobMix.CreateAsync(site, 4, stepsOf: _ => 3);
        var first = await Daemon.OnceAsync(site.ConfigPath); // SUBMITTED, STARTED and the first progress go through
        Assert.Equal(0, first.ExitCode);
        var late = await JobMix.CreateAsync(site, 4, stepsOf: _ => 1); // their whole life falls into the outage
        var jobs = early.Concat(late).ToList();

        var kind = action switch
        {
            "503" => FaultAction.ServiceUnavailable,
            "refuse" => FaultAction.Refuse,
            "drop-after-commit" => FaultAction.DropAfterCommit,
            _ => FaultAction.Timeout,
        };
        site.Server.SetFaultPlan(new FaultPlan
        {
            Rules =
            [
                everything
                    ? new FaultRule { PathPattern = "^/api/hpc/", Action = kind, DelayMs = 300 }
                    : new FaultRule { Method = "POST", PathPattern = "^/api/hpc/jobs/[^/]+/(transition|complete)$", Action = kind, DelayMs = 300 },
            ],
        });
        int Reported(PlannedJob j) => site.Server.GetTransitions(j.Id).Count(r => r.ToStatus is not (JobStatus.Pending or JobStatus.Claimed));
        var before = jobs.ToDictionary(j => j.Id, Reported);
        for (var i = 0; i < 4; i++)
        {
            var run = await Daemon.OnceAsync(site.ConfigPath);
            Assert.True(run.ExitCode == (everything ? 1 : 0), $"exit {run.ExitCode}:\n" + KillTrial.Tail(run.Output));
        }
        var faulted = site.Server.FaultsFired;
        Assert.True(faulted > 0);
        if (kind != FaultAction.DropAfterCommit)
            foreach (var job in jobs) Assert.Equal(before[job.Id], Reported(job)); // claims go on, but no report got through
        Assert.DoesNotContain(jobs, j => JobStatus.IsTerminal(site.Server.GetJob(j.Id)!.Status) && kind != FaultAction.DropAfterCommit);
        using (var store = StateStore.Open(site.StateDb))
            Assert.NotEmpty(store.PendingReports());

        site.Server.SetFaultPlan(null);
        for (var i = 0; i < 6 && !KillTrial.AllTerminal(site, jobs); i++)
        {
            var run = await Daemon.OnceAsync(site.ConfigPath);
            Assert.True(run.ExitCode == 0, KillTrial.Tail(run.Output));
        }

        var verdict = TrialVerifier.Verify(site, jobs);
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems));
        foreach (var job in jobs)
        {
            var rows = site.Server.GetTransitions(job.Id);
            var progress = rows.Where(r => r.Progress is not null).Select(r => r.Progress!.Value).ToList();
            Assert.True(progress.SequenceEqual(progress.Order()), $"job {job.Id}: progress out of order: {string.Join(", ", progress)}");
            for (var k = 1; k < rows.Count; k++)
                Assert.False(rows[k].ToStatus == rows[k - 1].ToStatus && rows[k].Detail == rows[k - 1].Detail && rows[k].Progress == rows[k - 1].Progress,
                    $"job {job.Id}: report delivered twice: {rows[k].ToStatus} {rows[k].Detail}");
            if (job.Steps >= 2) Assert.True(progress.Count >= 2, $"job {job.Id}: progress reports lost ({progress.Count})");
        }
        using (var store = StateStore.Open(site.StateDb))
            Assert.Empty(store.PendingReports());
        output.WriteLine($"{action} ({(everything ? "all of /api/hpc" : "reports only")}): {faulted} requests faulted; {jobs.Count} jobs delivered every report in order");
        site.DeleteFiles();
    }
}
