using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Core.Scheduling.Processes;

/// <summary>Runs commands with System.Diagnostics.Process: argument vector (no shell), an explicit environment
/// built from <see cref="ChildEnvironment"/>, stdin closed, stdout/stderr captured, and a hard timeout that kills
/// the whole process tree so a hung slurmctld connection cannot wedge the cycle.</summary>
public sealed class ProcessRunner : IProcessRunner
{
    // After a kill, how long to wait for the pipes to drain before giving up on the output.
    private static readonly TimeSpan DrainAfterKill = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly HpcLog _log;

    /// <summary>Children get the allowlisted part of this process's environment.</summary>
    public ProcessRunner(HpcLog? log = null) : this(ChildEnvironment.FromCurrentProcess(), log) { }

    /// <summary>Children get exactly <paramref name="environment"/> (callers normally pass
    /// <see cref="ChildEnvironment.From"/> output).</summary>
    public ProcessRunner(IReadOnlyDictionary<string, string> environment, HpcLog? log = null)
    {
        _environment = environment;
        _log = (log ?? HpcLog.Null).For("process");
    }

    public async Task<ProcessResult> RunAsync(ProcessCommand command, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        _environment.TryGetValue("PATH", out var searchPath);
        var executable = ExecutableLocator.Find(command.FileName, searchPath)
            ?? throw new SchedulerUnavailableException(command.FileName.Contains('/')
                ? $"{command.FileName} not found or not executable"
                : $"{command.FileName} not found on PATH");

        using var process = new Process { StartInfo = StartInfo(executable, command) };
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new SchedulerUnavailableException($"could not start {command.FileName}: {ex.Message}", ex);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = new CancellationTokenSource(command.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            // A grandchild that kept our pipes open must not stall us past the deadline either.
            await Task.WhenAll(stdout, stderr).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            ct.ThrowIfCancellationRequested();
            _log.Warn("command timed out", ("command", command.FileName), ("timeout_s", command.Timeout.TotalSeconds));
            throw new SchedulerUnavailableException(
                $"{command.FileName} did not finish within {command.Timeout.TotalSeconds:0.###} s; its process tree was killed");
        }

        var result = new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), clock.Elapsed);
        _log.Debug("command finished", ("command", command.ToString()), ("exit_code", result.ExitCode),
            ("elapsed_ms", (long)result.Elapsed.TotalMilliseconds));
        return result;
    }

    private ProcessStartInfo StartInfo(string executable, ProcessCommand command)
    {
        var psi = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in command.Arguments) psi.ArgumentList.Add(argument);
        psi.Environment.Clear();
        foreach (var (name, value) in _environment) psi.Environment[name] = value;
        if (command.WorkingDirectory is not null) psi.WorkingDirectory = command.WorkingDirectory;
        return psi;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(DrainAfterKill);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the deadline and the kill: nothing left to stop.
        }
    }
}
