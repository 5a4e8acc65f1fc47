using System.Diagnostics;
using System.Text;

namespace Emx2Hpc.Tests.Unit.Cli;

/// <summary>Result of one run of the emx2-hpc executable.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs the built CLI (emx2-hpc.dll, copied next to the tests by the project reference) as a child
/// process, exactly as cron or an administrator would.</summary>
public sealed class CliProcess : IDisposable
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "emx2-hpc.dll");

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public string Stdout { get { lock (_gate) return _stdout.ToString(); } }
    public string Stderr { get { lock (_gate) return _stderr.ToString(); } }

    public static CliProcess Start(string workingDirectory, params string[] args)
    {
        if (!File.Exists(Dll)) throw new FileNotFoundException("the CLI was not built next to the tests", Dll);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("EMX2_HPC_CONFIG");
        start.Environment["DOTNET_NOLOGO"] = "1";
        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    public static async Task<CliResult> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return await process.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"emx2-hpc did not exit within {timeout.TotalSeconds:0} s\n{Stdout}\n{Stderr}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        return new CliResult(_process.ExitCode, Stdout, Stderr);
    }

    /// <summary>Waits until stderr contains <paramref name="text"/>.</summary>
    public async Task WaitForStderrAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"emx2-hpc exited ({_process.ExitCode}) before writing '{text}'\n{Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no '{text}' on stderr within {timeout.TotalSeconds:0} s\n{Stderr}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
    }
}
