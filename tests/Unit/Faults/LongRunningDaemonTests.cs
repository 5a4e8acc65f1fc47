using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Simulated;
using Emx2Hpc.Tests.Unit.Faults.Support;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Faults;

/// <summary>`emx2-hpc run` keeps one cycle object for its whole life. A submission whose outcome is unknown (sbatch
/// timed out, but slurmctld did queue the job) must be looked up by tag in the scheduler as it is *now*, on every
/// later cycle, before the settle time allows a second submission.</summary>
[Collection(FaultsCollection.Name)]
public sealed class LongRunningDaemonTests
{
    [Fact]
    public async Task A_submission_that_timed_out_is_found_by_tag_in_a_later_cycle_of_the_same_process()
    {
        await using var site = await FaultSite.StartAsync(FaultPaths.NewRoot("emx2-runmode-"));
        var jobs = await JobMix.CreateAsync(site, 2, stepsOf: _ => 1);
        var config = HpcConfigLoader.LoadFile(site.ConfigPath);
        var scheduler = new UnconfirmedFirstSubmit(new SimulatedScheduler(new SimulatedSchedulerOptions { StateDirectory = site.SimulatedDir }));
        var clock = new ShiftedClock();
        using var runner = new CycleRunner(config, new CycleRunnerOptions { Scheduler = scheduler, Clock = clock }, HpcLog.Null);

        // Cycle 1 (a new state database, so the stray check lists the tagged jobs): the first sbatch "times out".
        await runner.RunOnceAsync();
        Assert.Equal(1, scheduler.Unconfirmed);

        // Later cycles of the same process, well past the settle time.
        for (var i = 0; i < 4 && !KillTrial.AllTerminal(site, jobs); i++)
        {
            clock.Offset += runner.Context.SubmitSettleTime + TimeSpan.FromSeconds(5);
            await runner.RunOnceAsync();
        }

        var verdict = TrialVerifier.Verify(site, jobs);
        Assert.True(verdict.Clean, string.Join('\n', verdict.Problems));
        site.DeleteFiles();
    }

    /// <summary>Submits for real, but reports the first submission as unconfirmed, like an sbatch that hit its
    /// timeout after slurmctld had queued the job. Not a simulated scheduler, so the cycle uses Slurm's settle time.</summary>
    private sealed class UnconfirmedFirstSubmit(IScheduler inner) : IScheduler
    {
        public int Unconfirmed { get; private set; }
        public string Name => "slurm";

        public async Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct)
        {
            var id = await inner.SubmitAsync(spec, ct);
            if (Unconfirmed > 0) return id;
            Unconfirmed++;
            throw new SchedulerUnavailableException($"sbatch timed out (job {id} was queued nevertheless)");
        }

        public Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> ids, CancellationToken ct) => inner.QueryAsync(ids, ct);
        public Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct) => inner.ListTaggedAsync(ct);
        public Task CancelAsync(string id, CancellationToken ct) => inner.CancelAsync(id, ct);
    }

    /// <summary>The system clock moved forward by <see cref="Offset"/> (timers stay real).</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
