using System.Diagnostics;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>One run of the real `emx2-hpc` executable (dotnet emx2-hpc.dll …) as a child process. When
/// <c>killAfter</c> is given the process gets SIGKILL at that moment after its start, unless it has already ended.</summary>
internal sealed record DaemonRun(
    int ExitCode,
    bool Killed,
    TimeSpan Duration,
    TimeSpan? KilledAt,
    IReadOnlyList<(TimeSpan At, string Line)> Lines)
{
    public string Output => string.Join('\n', Lines.Select(l => l.Line));

    /// <summary>The last line the process wrote before it was killed (null: it died before logging anything).</summary>
    public string? LastLineBeforeKill => Killed ? Lines.LastOrDefault(l => l.At <= KilledAt).Line : null;
}

internal static class Daemon
{
    /// <summary>SIGKILL, as reported by .NET for a child killed by signal 9 (128 + 9).</summary>
    public const int SigKillExitCode = 137;

    public static string CliDll { get; } = Path.Combine(AppContext.BaseDirectory, "emx2-hpc.dll");

    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>`once --simulate -c CONFIG -v` plus <paramref name="extra"/>.</summary>
    public static Task<DaemonRun> OnceAsync(string configPath, TimeSpan? killAfter = null, TimeSpan? timeout = null, bool simulate = true,
        Func<string, bool>? killWhen = null, params string[] extra)
    {
        var args = new List<string> { "once" };
        if (simulate) args.Add("--simulate");
        args.AddRange(["-c", configPath, "-v"]);
        args.AddRange(extra);
        return RunAsync(args, killAfter, timeout ?? TimeSpan.FromMinutes(2), killWhen);
    }

    /// <param name="killWhen">SIGKILL as soon as the process writes a line matching this (from the output reader
    /// thread, within a millisecond or so: the process may get a little further than the line).</param>
    public static async Task<DaemonRun> RunAsync(IEnumerable<string> args, TimeSpan? killAfter, TimeSpan timeout, Func<string, bool>? killWhen = null)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Tiered PGO instruments hot methods of a process that lives for one second: pure overhead here.
        start.Environment["DOTNET_TieredPGO"] = "0";

        var lines = new List<(TimeSpan, string)>();
        var watch = new Stopwatch();
        using var process = new Process { StartInfo = start };
        TimeSpan? killedAt = null;
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            var at = watch.Elapsed;
            if (killWhen is not null && killedAt is null && killWhen(e.Data))
            {
                killedAt = at;
                try { process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { }
            }
            lock (lines) lines.Add((at, e.Data));
        };
        process.ErrorDataReceived += collect;
        process.OutputDataReceived += collect;
        watch.Start();
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        if (killAfter is { } delay)
        {
            using var wait = new CancellationTokenSource(delay);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                killedAt = watch.Elapsed;
                try { process.Kill(entireProcessTree: false); }
                catch (InvalidOperationException) { } // ended in between
            }
        }

        using (var limit = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync();
                throw new TimeoutException($"emx2-hpc {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s:\n" +
                                           string.Join('\n', lines.Select(l => l.Item2)));
            }
        }
        process.WaitForExit(); // drains the redirected streams
        watch.Stop();
        var killed = killedAt is not null && process.ExitCode == SigKillExitCode;
        List<(TimeSpan, string)> snapshot;
        lock (lines) snapshot = [.. lines];
        return new DaemonRun(process.ExitCode, killed, watch.Elapsed, killed ? killedAt : null, snapshot);
    }
}
