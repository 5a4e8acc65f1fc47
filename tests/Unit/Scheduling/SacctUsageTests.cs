using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Emx2Hpc.Core.Scheduling.Usage;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class SacctUsageTests
{
    [Theory]
    [InlineData("00:00:05", 5.0)]
    [InlineData("01:02.345", 62.345)]
    [InlineData("1-02:03:04", 93784.0)]
    [InlineData("12:00:00", 43200.0)]
    [InlineData("00:00.004", 0.004)]
    public void Durations_in_sacct_formats(string text, double seconds) =>
        Assert.Equal(seconds, SacctUsage.ParseDuration(text)!.Value, 6);

    [Theory]
    [InlineData("")]
    [InlineData("INVALID")]
    [InlineData("1:2:3:4")]
    public void Unreadable_durations_are_null(string text) => Assert.Null(SacctUsage.ParseDuration(text));

    [Fact]
    public void Tres_with_units_and_gpus()
    {
        var tres = SacctUsage.ParseTres("billing=4,cpu=4,gres/gpu=2,gres/gpu:a100=2,mem=4G,node=1");
        Assert.Equal(4, tres["cpu"]);
        Assert.Equal(2, tres["gres/gpu"]);
        Assert.Equal(4L * 1024 * 1024 * 1024, tres["mem"]);
        Assert.Equal(1, tres["node"]);
        Assert.Equal(500L * 1024 * 1024, SacctUsage.ParseTres("mem=500M")["mem"]);
        Assert.Equal(500L * 1024 * 1024, SacctUsage.ParseTres("mem=500")["mem"]); // bare TRES memory is megabytes
    }

    [Theory]
    [InlineData("12345K", 12345L * 1024)]
    [InlineData("1.50M", 1572864L)]
    [InlineData("0", 0L)]
    public void MaxRss_sizes(string text, long bytes) => Assert.Equal(bytes, SacctUsage.ParseSize(text, 1));

    [Fact]
    public void Derivation_from_an_allocation_and_its_steps()
    {
        var rows = SacctParser.ParseWithUsage(
            "42|COMPLETED|0:0|None|n[1-2]|00:01:40|emx2hpc:x|03:20.000|billing=8,cpu=8,gres/gpu=2,mem=4G,node=2||emx2-x\n" +
            "42.batch|COMPLETED|0:0||n1|00:01:40||00:10.000|cpu=4,mem=2G,node=1|12345K|batch\n" +
            "42.0|COMPLETED|0:0||n[1-2]|00:01:30||03:10.000|cpu=8,mem=4G,node=2|2G|srun\n");
        var usage = SacctUsage.Of(rows[0], rows)!;
        Assert.Equal(100, usage.WallSeconds);
        Assert.Equal(800, usage.CpuCoreSecondsAllocated);
        Assert.Equal(200, usage.CpuCoreSecondsUsed);
        Assert.Equal(400, usage.MemoryGbSeconds, 9);
        Assert.Equal(200, usage.GpuSeconds);
        Assert.Equal(200.0 / 3600, usage.NodeHours, 9);
        Assert.Equal(2L * 1024 * 1024 * 1024, usage.MaxRssBytes);
        Assert.Equal("n[1-2]", usage.NodeList);
        Assert.Equal("usage: wall_s=100 cpu_alloc_core_s=800 cpu_used_core_s=200 mem_gb_s=400 gpu_s=200 node_h=0.056 max_rss_bytes=2147483648",
            usage.Compact());
    }

    [Fact]
    public void Array_tasks_sum_per_task_figures()
    {
        var rows = SacctParser.ParseWithUsage(
            "7_0|COMPLETED|0:0|None|vm|00:00:10|c|00:05.000|cpu=2,node=1||n\n" +
            "7_1|COMPLETED|0:0|None|vm|00:00:10|c|00:05.000|cpu=2,node=1||n\n");
        var info = SlurmJobInfoFactory.Create("7", rows, SlurmStateSource.Accounting)!;
        Assert.Equal(40, info.Usage!.CpuCoreSecondsAllocated); // 2 × (10 s × 2), not 20 s × 4
        Assert.Equal(20, info.Usage.WallSeconds);
    }

    [Fact]
    public void Running_jobs_and_the_status_format_carry_no_usage()
    {
        var running = SacctParser.ParseWithUsage("9|RUNNING|0:0|None|vm|00:00:10|c|00:05.000|cpu=2,node=1||n\n");
        Assert.Null(SlurmJobInfoFactory.Create("9", running, SlurmStateSource.Accounting)!.Usage);
        var status = SacctParser.Parse(Fixtures.Slurm("22.05", "sacct-final.txt"));
        Assert.Null(SlurmJobInfoFactory.Create("5", status.Where(r => r.Id.BelongsTo("5")), SlurmStateSource.Accounting)!.Usage);
    }

    [Fact]
    public void Captured_usage_rows_parse_with_their_steps()
    {
        var rows = SacctParser.ParseWithUsage(Fixtures.Slurm("22.05", "sacct-usage-final.txt"));
        Assert.Equal(["130", "130.batch", "131", "131.batch"], rows.Select(r => r.JobId));
        Assert.Equal(("00:02.284", "billing=2,cpu=2,node=1", null), (rows[0].TotalCpu, rows[0].AllocTres, rows[0].MaxRss));
        Assert.Equal("emx2-aaaaaaaa-0000-4000-8000-0000000000a1", rows[0].Name);
    }

    [Fact]
    public void Json_round_trip_keeps_every_figure()
    {
        var usage = JobUsage.Of(3600, 8, 200.5, 4L << 30, 2, 2, 12345 * 1024L, "n1", "0:0", "COMPLETED");
        var back = JobUsage.FromJson(usage.ToJsonString());
        Assert.Equal(usage, back);
    }
}
