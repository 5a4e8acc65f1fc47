using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Emx2Hpc.Core.Diagnostics;

/// <summary>Where a short-lived process spends its time, phase by phase: wall time, and inside it the time the JIT
/// compiled methods, how many it compiled and how many assemblies were loaded. Cron starts a new process for every
/// cycle, so for a cycle with nothing to do start-up is nearly all of the cost; `-v` (CLI) and `-Debug` (cmdlets)
/// log this breakdown at debug level once the cycle is over (bench/README.md reads it).</summary>
/// <remarks>Marking a phase costs a few microseconds (three counters read), so hosts create a timeline whether or
/// not debug logging is on; only <see cref="Log"/> is skipped.</remarks>
public sealed class PhaseTimeline
{
    private readonly object _gate = new();
    private readonly List<(string Name, Sample Delta)> _phases = [];
    private readonly Sample _first;
    private Sample _last;

    public PhaseTimeline()
    {
        _first = _last = Sample.Take();
    }

    /// <summary>Closes the phase that ran since the previous mark (or since the timeline was created).</summary>
    public void Mark(string phase)
    {
        var now = Sample.Take();
        lock (_gate)
        {
            _phases.Add((phase, now - _last));
            _last = now;
        }
    }

    /// <summary>The phases so far, one line each, preceded by what the runtime spent before the timeline started
    /// (host start-up, runtime initialisation and the JIT of everything up to the first line of the host).</summary>
    public IReadOnlyList<string> Describe()
    {
        List<(string Name, Sample Delta)> phases;
        lock (_gate) phases = _phases.ToList();
        var lines = new List<string>(phases.Count + 2);
        var sinceProcessStart = ProcessAge();
        var beforeFirst = sinceProcessStart is { } age ? age - (_last.Wall - _first.Wall) : (TimeSpan?)null;
        lines.Add($"{"before the host's first line",-28} {(beforeFirst is { } before ? Ms(before) : "?"),8}{Work(_first, "assemblies loaded")}");
        foreach (var (name, d) in phases)
            lines.Add($"{name,-28} {Ms(d.Wall),8}{Work(d, "assemblies")}");
        var total = _last - default(Sample);
        lines.Add($"{"total since process start",-28} {(sinceProcessStart is { } s ? Ms(s) : "?"),8}{Work(total, "assemblies")}");
        return lines;
    }

    /// <summary>Logs <see cref="Describe"/> at debug level, one event per line.</summary>
    public void Log(HpcLog log)
    {
        if (!log.IsEnabled(LogLevel.Debug)) return;
        foreach (var line in Describe()) log.Debug(line);
    }

    /// <summary>The JIT's share of a phase. The published CLI is compiled ahead of time: it has no JIT and all its code
    /// is one image, so the figures would only ever read zero there.</summary>
    private static string Work(Sample d, string assemblies) => RuntimeFeature.IsDynamicCodeSupported
        ? $" (jit {Ms(d.Jit)}, {d.Methods} methods, {d.Assemblies} {assemblies})"
        : " (compiled ahead of time: no jit)";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private static TimeSpan? ProcessAge()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return DateTime.Now - self.StartTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private readonly record struct Sample(TimeSpan Wall, TimeSpan Jit, long Methods, int Assemblies)
    {
        private static readonly long Origin = Stopwatch.GetTimestamp();

        public static Sample Take() => new(
            Stopwatch.GetElapsedTime(Origin),
            JitInfo.GetCompilationTime(currentThread: false),
            JitInfo.GetCompiledMethodCount(currentThread: false),
            AppDomain.CurrentDomain.GetAssemblies().Length);

        public static Sample operator -(Sample a, Sample b) =>
            new(a.Wall - b.Wall, a.Jit - b.Jit, a.Methods - b.Methods, a.Assemblies - b.Assemblies);
    }
}
