using Emx2Hpc.Core.Diagnostics;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Diagnostics;

/// <summary>The -v start-up breakdown: one line per marked phase, in order, logged only at debug level.</summary>
public class PhaseTimelineTests
{
    [Fact]
    public void Describes_each_phase_in_order_between_the_runtime_line_and_the_total()
    {
        var timeline = new PhaseTimeline();
        timeline.Mark("configuration");
        Thread.Sleep(20);
        timeline.Mark("state database open");

        var lines = timeline.Describe();

        Assert.Equal(4, lines.Count);
        Assert.StartsWith("before the host's first line", lines[0]);
        Assert.StartsWith("configuration ", lines[1]);
        Assert.StartsWith("state database open ", lines[2]);
        Assert.StartsWith("total since process start", lines[3]);
        Assert.All(lines, l => Assert.Matches(@" ms \(jit [0-9.]+ ms, [0-9]+ methods, [0-9]+ assemblies", l));
        var slept = double.Parse(lines[2].Split(" ms", 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(slept >= 19, $"the phase that slept 20 ms reports {slept} ms");
    }

    [Fact]
    public void Logs_only_when_debug_is_enabled()
    {
        var timeline = new PhaseTimeline();
        timeline.Mark("configuration");
        var quiet = new MemoryLogSink();
        var verbose = new MemoryLogSink();

        timeline.Log(new HpcLog(quiet, "timing", LogLevel.Information));
        timeline.Log(new HpcLog(verbose, "timing", LogLevel.Debug));

        Assert.Empty(quiet.Events);
        Assert.Equal(3, verbose.Events.Count);
        Assert.All(verbose.Events, e => Assert.Equal(LogLevel.Debug, e.Level));
    }
}
