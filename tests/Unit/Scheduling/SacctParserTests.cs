using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SacctParserTests
{
    [Fact]
    public void Parses_captured_22_05_final_records()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-final.txt"));
        Assert.Equal(["5", "6", "7", "8", "9", "11", "10_0", "10_1", "10_2"], rows.Select(r => r.JobId));
        Assert.Equal(("COMPLETED", "0:0", "vm", "00:00:01"), (rows[0].State, rows[0].ExitCode, rows[0].Node, rows[0].Elapsed));
        Assert.Equal(("FAILED", "3:0"), (rows[1].State, rows[1].ExitCode));
        Assert.Equal("CANCELLED by 0", rows[2].State);
        Assert.Equal("None assigned", rows[3].Node);
        Assert.Equal(("TIMEOUT", "00:01:02"), (rows[4].State, rows[4].Elapsed));
        Assert.Equal("plain job|with bar", rows[5].Name);
        Assert.Null(rows[5].Comment);
        Assert.Equal("aaaaaaaa-0000-4000-8000-00000000000a", rows[0].Emx2JobId);
        Assert.All(rows.Where(r => r.Id.BaseId == "10"), r => Assert.Equal("ffffffff-0000-4000-8000-00000000000f", r.Emx2JobId));
    }

    [Fact]
    public void Running_rows_have_no_comment_yet_but_the_name_still_tags_them()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-in-progress.txt"));
        var running = rows.Single(r => r.JobId == "9");
        Assert.Equal("RUNNING", running.State);
        Assert.Null(running.Comment);
        Assert.Equal("eeeeeeee-0000-4000-8000-00000000000e", running.Emx2JobId);
        Assert.Contains(rows, r => r.JobId == "10_[1-2]" && r.State == "PENDING");
        Assert.DoesNotContain(rows, r => r.JobId == "99999");
    }

    [Fact]
    public void Step_rows_are_parsed_and_recognised_as_steps()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-with-steps.txt"));
        Assert.Equal(6, rows.Count);
        var step = rows.Single(r => r.JobId == "7.batch");
        Assert.True(step.Id.IsStep);
        Assert.Equal(("CANCELLED", "0:15", "7"), (step.State, step.ExitCode, step.Id.BaseId));
        Assert.Null(step.Reason);
    }

    [Fact]
    public void Duplicates_listing_shows_the_requeued_record_then_the_final_one()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-requeued-duplicates.txt"));
        Assert.Equal(["REQUEUED", "REQUEUED", "CANCELLED by 0", "CANCELLED by 0"], rows.Select(r => r.State));
    }

    [Fact]
    public void Parses_23_11_constructed_final_records()
    {
        var rows = SacctParser.Parse(Fixtures.Slurm("23.11", "sacct-final.txt"));
        Assert.Equal(7, rows.Count);
        Assert.Equal(("OUT_OF_MEMORY", "0:125"), (rows[1].State, rows[1].ExitCode));
        Assert.Equal("CANCELLED by 1000", rows[5].State);
        Assert.All(rows, r => Assert.NotNull(r.Emx2JobId));
    }

    [Fact]
    public void A_truncated_line_is_an_error() => Assert.Throws<FormatException>(() => SacctParser.Parse("1|COMPLETED|0:0\n"));
}
