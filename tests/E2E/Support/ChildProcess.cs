using System.Diagnostics;
using System.Text;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>What one child process did.</summary>
public sealed record ChildResult(string Command, int ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("$ ").Append(Command).Append($"  → exit {ExitCode} in {Duration.TotalSeconds:0.0}s\n");
        if (Stdout.Length > 0) text.Append("  stdout:\n").Append(Indent(Stdout));
        if (Stderr.Length > 0) text.Append("  stderr:\n").Append(Indent(Stderr));
        return text.ToString();
    }

    private static string Indent(string block) =>
        string.Concat(block.TrimEnd('\n').Split('\n').Select(l => "    " + l + "\n"));
}

/// <summary>Runs a program to completion with captured output and a hard time limit (the process tree this
/// started is killed when it is exceeded).</summary>
public static class ChildProcess
{
    public static async Task<ChildResult> RunAsync(string fileName, IReadOnlyList<string> args, TimeSpan limit,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (extraEnvironment is not null)
            foreach (var (name, value) in extraEnvironment) start.Environment[name] = value;

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ChildResult(Describe(fileName, args), -1, await stdout,
                await stderr + $"\n(killed by the test after {limit.TotalSeconds:0}s)", watch.Elapsed);
        }
        return new ChildResult(Describe(fileName, args), process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    private static string Describe(string fileName, IReadOnlyList<string> args) =>
        string.Join(' ', new[] { fileName }.Concat(args).Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{a}'" : a));
}
