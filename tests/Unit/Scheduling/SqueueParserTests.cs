using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SqueueParserTests
{
    [Fact]
    public void Parses_captured_22_05_mixed_listing()
    {
        var rows = SqueueParser.Parse(Fixtures.Slurm("22.05", "squeue-mixed.txt"));
        Assert.Equal(5, rows.Count);

        var array = rows[0];
        Assert.Equal("10_[0-2]", array.JobId);
        Assert.Equal("10", array.Id.BaseId);
        Assert.Equal("PENDING", array.State);
        Assert.Equal("Resources", array.Reason);
        Assert.Null(array.Node);
        Assert.Null(array.ExitCode);
        Assert.Equal("ffffffff-0000-4000-8000-00000000000f", array.Emx2JobId);

        var foreign = rows[1];
        Assert.Equal("11", foreign.JobId);
        Assert.Null(foreign.Comment);                      // printed as (null)
        Assert.Equal("plain job|with bar", foreign.Name);  // '|' inside the name survives
        Assert.Null(foreign.Emx2JobId);

        Assert.Equal(("8", "PENDING", "JobHeldUser"), (rows[2].JobId, rows[2].State, rows[2].Reason));
        var running = rows[3];
        Assert.Equal(("7", "RUNNING", "vm", "0:04"), (running.JobId, running.State, running.Node, running.Elapsed));
        Assert.Equal("cccccccc-0000-4000-8000-00000000000c", running.Emx2JobId);
    }

    [Theory]
    [InlineData("squeue-suspended.txt", "7", "SUSPENDED", "None")]
    [InlineData("squeue-array-task-running.txt", "10_0", "RUNNING", "None")]
    [InlineData("squeue-held-by-admin.txt", "11", "PENDING", "JobHeldAdmin")]
    [InlineData("squeue-requeue-hold.txt", "15", "PENDING", "job requeued in held state")]
    [InlineData("squeue-all-states-cancelled.txt", "14", "CANCELLED", "BeginTime")]
    public void Parses_captured_22_05_situations(string file, string jobId, string state, string reason)
    {
        var row = SqueueParser.Parse(Fixtures.Slurm("22.05", file)).Single(r => r.JobId == jobId);
        Assert.Equal((state, reason), (row.State, row.Reason));
    }

    [Fact]
    public void Parses_23_11_constructed_states_and_hetjob_components()
    {
        var rows = SqueueParser.Parse(Fixtures.Slurm("23.11", "squeue-states.txt"));
        Assert.Equal(7, rows.Count);
        Assert.Equal("node[01-02]", rows[2].Node);
        Assert.Equal("1-02:03:04", rows[2].Elapsed);
        Assert.Equal("STOPPED", rows[3].State);
        Assert.Equal("RESV_DEL_HOLD", rows[4].State);
        Assert.Equal("1048575", rows[5].Id.BaseId);
        Assert.Equal(4, rows.Count(r => r.Emx2JobId is not null));
    }

    [Fact]
    public void Empty_output_is_no_rows() => Assert.Empty(SqueueParser.Parse("\n"));

    [Fact]
    public void A_truncated_line_is_an_error_not_a_guess() =>
        Assert.Throws<FormatException>(() => SqueueParser.Parse("123|RUNNING|None\n"));

    [Fact]
    public void Windows_line_endings_are_tolerated() =>
        Assert.Equal("x", SqueueParser.Parse("1|RUNNING|None|n|0:01|c|x\r\n")[0].Name);
}
