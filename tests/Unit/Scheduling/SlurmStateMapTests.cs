using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SlurmStateMapTests
{
    public static TheoryData<string, string?, SlurmStateSource, SchedulerState, bool, string?> Rows => new()
    {
        // state, exit code, source → state, notable, failure code
        { "PENDING", null, SlurmStateSource.Live, SchedulerState.Queued, false, null },
        { "CONFIGURING", null, SlurmStateSource.Live, SchedulerState.Queued, false, null },
        { "POWER_UP_NODE", null, SlurmStateSource.Live, SchedulerState.Queued, false, null },
        { "REQUEUE_FED", null, SlurmStateSource.Live, SchedulerState.Queued, false, null },
        { "REQUEUED", null, SlurmStateSource.Live, SchedulerState.Queued, true, null },
        { "REQUEUED", "0:0", SlurmStateSource.Accounting, SchedulerState.Queued, true, null },
        { "REQUEUE_HOLD", null, SlurmStateSource.Live, SchedulerState.Queued, true, null },
        { "RESV_DEL_HOLD", null, SlurmStateSource.Live, SchedulerState.Queued, true, null },
        { "SPECIAL_EXIT", null, SlurmStateSource.Live, SchedulerState.Queued, true, null },
        { "SPECIAL_EXIT", "3:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "SPECIAL_EXIT" },
        { "PREEMPTED", null, SlurmStateSource.Live, SchedulerState.Queued, true, null },
        { "PREEMPTED", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "PREEMPTED" },
        { "RUNNING", null, SlurmStateSource.Live, SchedulerState.Running, false, null },
        { "RUNNING", "0:0", SlurmStateSource.Accounting, SchedulerState.Running, false, null },
        { "COMPLETING", null, SlurmStateSource.Live, SchedulerState.Running, false, null },
        { "STAGE_OUT", null, SlurmStateSource.Live, SchedulerState.Running, false, null },
        { "RESIZING", null, SlurmStateSource.Live, SchedulerState.Running, false, null },
        { "SIGNALING", null, SlurmStateSource.Live, SchedulerState.Running, false, null },
        { "SUSPENDED", null, SlurmStateSource.Live, SchedulerState.Running, true, null },
        { "STOPPED", null, SlurmStateSource.Live, SchedulerState.Running, true, null },
        { "COMPLETED", "0:0", SlurmStateSource.Accounting, SchedulerState.Completed, false, null },
        { "COMPLETED", null, SlurmStateSource.Live, SchedulerState.Completed, false, null },
        { "COMPLETED", "2:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "NON_ZERO_EXIT" },
        { "COMPLETED", "0:9", SlurmStateSource.Accounting, SchedulerState.Failed, false, "NON_ZERO_EXIT" },
        { "FAILED", "3:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "NON_ZERO_EXIT" },
        { "FAILED", null, SlurmStateSource.Live, SchedulerState.Failed, false, "NON_ZERO_EXIT" },
        { "TIMEOUT", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "TIMEOUT" },
        { "OUT_OF_MEMORY", "0:125", SlurmStateSource.Accounting, SchedulerState.Failed, false, "OUT_OF_MEMORY" },
        { "NODE_FAIL", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "NODE_FAIL" },
        { "BOOT_FAIL", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "BOOT_FAIL" },
        { "DEADLINE", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "DEADLINE" },
        { "REVOKED", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "REVOKED" },
        { "CANCELLED", null, SlurmStateSource.Live, SchedulerState.Cancelled, false, null },
        { "CANCELLED by 0", "0:0", SlurmStateSource.Accounting, SchedulerState.Cancelled, false, null },
        { "SOMETHING_NEW", null, SlurmStateSource.Live, SchedulerState.Queued, true, null },
        { "SOMETHING_NEW", "0:0", SlurmStateSource.Accounting, SchedulerState.Failed, false, "UNKNOWN_STATE" },
        { "", null, SlurmStateSource.Accounting, SchedulerState.Failed, false, "UNKNOWN_STATE" },
        { "running", null, SlurmStateSource.Live, SchedulerState.Running, false, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Maps_each_state(string raw, string? exitCode, SlurmStateSource source, SchedulerState state, bool notable, string? failure)
    {
        var map = SlurmStateMap.Map(raw, exitCode, source);
        Assert.Equal(state, map.State);
        Assert.Equal(notable, map.Notable);
        Assert.Equal(failure, map.FailureCode);
    }

    [Fact]
    public void Every_known_state_has_a_row_in_this_table()
    {
        var tested = Rows.Select(r => (string)r[0]).ToHashSet();
        Assert.All(SlurmStateMap.KnownStates, s => Assert.Contains(s, tested));
    }

    [Theory]
    [InlineData("CANCELLED by 1000", "1000")]
    [InlineData("CANCELLED by root", "root")]
    [InlineData("CANCELLED", null)]
    public void Cancelled_keeps_who_cancelled(string raw, string? by) =>
        Assert.Equal(by, SlurmStateMap.Map(raw, "0:0", SlurmStateSource.Accounting).CancelledBy);

    [Theory]
    [InlineData(SlurmStateSource.Live)]
    [InlineData(SlurmStateSource.Accounting)]
    public void Non_terminal_states_never_fail_whatever_the_source(SlurmStateSource source)
    {
        foreach (var s in new[] { "PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED", "REQUEUE_HOLD" })
            Assert.False(SlurmStateMap.IsTerminal(SlurmStateMap.Map(s, "0:0", source).State), s);
    }
}
