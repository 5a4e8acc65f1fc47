using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SlurmJobInfoFactoryTests
{
    [Fact]
    public void A_single_final_row_becomes_an_observation_with_detail()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-final.txt"));
        var info = SlurmJobInfoFactory.Create("6", rows.Where(r => r.Id.BelongsTo("6")), SlurmStateSource.Accounting)!;
        Assert.Equal(SchedulerState.Failed, info.State);
        Assert.Equal("NON_ZERO_EXIT", info.FailureCode);
        Assert.Equal("bbbbbbbb-0000-4000-8000-00000000000b", info.Emx2JobId);
        Assert.Equal("slurm_state=FAILED; exit_code=3:0; failure=NON_ZERO_EXIT; node=vm; elapsed=00:00:02", info.Detail);
    }

    [Fact]
    public void Cancelled_record_carries_the_uid()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-final.txt"));
        var info = SlurmJobInfoFactory.Create("7", rows.Where(r => r.Id.BelongsTo("7")), SlurmStateSource.Accounting)!;
        Assert.Equal((SchedulerState.Cancelled, "0"), (info.State, info.CancelledBy));
    }

    [Fact]
    public void An_array_is_alive_while_any_task_is()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-in-progress.txt"));
        var info = SlurmJobInfoFactory.Create("10", rows.Where(r => r.Id.BelongsTo("10")), SlurmStateSource.Accounting)!;
        Assert.Equal((SchedulerState.Running, "RUNNING", "10"), (info.State, info.RawState, info.SchedulerJobId));
    }

    [Fact]
    public void A_finished_array_completes_when_all_tasks_did_and_fails_if_any_failed()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-final.txt")).Where(r => r.Id.BelongsTo("10")).ToList();
        Assert.Equal(SchedulerState.Completed, SlurmJobInfoFactory.Create("10", rows, SlurmStateSource.Accounting)!.State);
        var oneFailed = rows.Select((r, i) => i == 1 ? r with { State = "FAILED", ExitCode = "1:0" } : r);
        var info = SlurmJobInfoFactory.Create("10", oneFailed, SlurmStateSource.Accounting)!;
        Assert.Equal((SchedulerState.Failed, "1:0"), (info.State, info.ExitCode));
    }

    [Fact]
    public void Step_rows_alone_are_no_observation() =>
        Assert.Null(SlurmJobInfoFactory.Create("5", [new SlurmJobRow("5.batch", "COMPLETED", "0:0", null, "vm", null, null, "batch")],
            SlurmStateSource.Accounting));
}
