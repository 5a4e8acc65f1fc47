using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Operations;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>What every Emx2Hpc cmdlet shares: the configuration parameters, one <see cref="WorkerSession"/> per
/// invocation (opened on first use, after ShouldProcess, so -WhatIf touches nothing), and the plumbing that runs a
/// Core call and turns its result into output or an ErrorRecord. Derived cmdlets only bind parameters and name the
/// Core operation.</summary>
public abstract class HpcCmdlet : PSCmdlet, IDisposable
{
    private readonly CmdletRunner _runner = new();
    private WorkerSession? _session;

    /// <summary>The configuration file. Default: $env:EMX2_HPC_CONFIG, then /etc/emx2-hpc/config.yaml. Relative paths
    /// are resolved against the current PowerShell location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>Accepts a worker secret file that group or others can read. Without it such a file is refused,
    /// because anyone who can read the secret can act as this worker.</summary>
    [Parameter]
    public SwitchParameter AllowInsecureSecret { get; set; }

    /// <summary>True when the cmdlet runs against the simulated scheduler (its -Simulate switch).</summary>
    private protected virtual bool UseSimulatedScheduler => false;

    /// <summary>A user token to send instead of the worker signature (user-facing cmdlets' -Token).</summary>
    private protected virtual string? UserToken => null;

    /// <summary>ErrorId for failures of this cmdlet's operation that have no more specific id.</summary>
    private protected virtual string? FailureErrorId => null;

    /// <summary>Where transfers report progress; relayed as Write-Progress.</summary>
    private protected IProgress<TransferProgress> TransferProgressSink => _runner.Progress;

    /// <summary>Names the configuration in ShouldProcess messages without opening it.</summary>
    private protected string ConfigTarget => ConfigPath ?? "the default configuration";

    /// <summary>Resolves a path the PowerShell way: relative to the current location (not the process directory),
    /// provider-qualified paths allowed, the file need not exist yet.</summary>
    private protected string ProviderPath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>Runs a Core call and writes its result as the module's output type (<paramref name="map"/>, from
    /// Output/Mapping: cmdlets never output Core or protocol objects). A failure becomes a non-terminating error for
    /// this input, so the rest of a pipeline still gets processed.</summary>
    private protected void Emit<TCore, TOutput>(object? target, Func<WorkerSession, CancellationToken, Task<TCore>> call,
        Func<WorkerSession, TCore, TOutput> map)
    {
        if (TryRun(target, call, out var result)) WriteObject(map(OpenedSession(), result));
    }

    /// <summary>Like <see cref="Emit{TCore, TOutput}"/> for calls returning a list: the items are written one by one.</summary>
    private protected void EmitEach<TCore, TOutput>(object? target, Func<WorkerSession, CancellationToken, Task<IReadOnlyList<TCore>>> call,
        Func<WorkerSession, TCore, TOutput> map)
    {
        if (!TryRun(target, call, out var result)) return;
        var session = OpenedSession();
        foreach (var item in result) WriteObject(map(session, item));
    }

    /// <summary>The open session, for mapping a result a cmdlet got from <see cref="TryRun{T}"/>.</summary>
    private protected WorkerSession Session => OpenedSession();

    /// <summary>Runs a Core call that produces no output.</summary>
    private protected void Execute(object? target, Func<WorkerSession, CancellationToken, Task> call) =>
        TryRun(target, async (session, ct) =>
        {
            await call(session, ct).ConfigureAwait(false);
            return true;
        }, out _);

    /// <summary>Runs a Core call; false (after writing a non-terminating error) when it failed.</summary>
    private protected bool TryRun<T>(object? target, Func<WorkerSession, CancellationToken, Task<T>> call, [MaybeNullWhen(false)] out T result)
    {
        var session = OpenedSession();
        try
        {
            result = _runner.Run(this, ct => call(session, ct));
            return true;
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteError(ErrorMapper.ToErrorRecord(e, target, FailureErrorId));
            result = default;
            return false;
        }
    }

    // A session that cannot be opened (bad configuration, unreadable secret) makes every input fail the same way,
    // so that one is a terminating error.
    private WorkerSession OpenedSession()
    {
        if (_session is not null) return _session;
        _runner.Redact(UserToken);
        var options = new WorkerSessionOptions
        {
            ConfigPath = ConfigPath is null ? null : ProviderPath(ConfigPath),
            AllowInsecureSecret = AllowInsecureSecret.IsPresent,
            Simulate = UseSimulatedScheduler,
            UserToken = UserToken,
            LogSink = _runner.LogSink,
            Verbose = DetailRequested(),
        };
        try
        {
            _session = WorkerSession.Open(options);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            _runner.Flush(this);
            if (e is ConfigException) NonInteractiveExit.RequestForBadConfig(Host);
            Terminate(ErrorMapper.ToErrorRecord(e, ConfigPath));
        }
        _runner.Flush(this);
        return _session;
    }

    [DoesNotReturn]
    private void Terminate(ErrorRecord record)
    {
        ThrowTerminatingError(record);
        throw new InvalidOperationException("ThrowTerminatingError returned."); // unreachable; satisfies flow analysis
    }

    // -Verbose/-Debug on this call or the caller's preference variables: Core then logs its detail too.
    private bool DetailRequested() =>
        SwitchOn("Verbose") || SwitchOn("Debug") || Shown("VerbosePreference") || Shown("DebugPreference");

    private bool SwitchOn(string name) =>
        MyInvocation.BoundParameters.TryGetValue(name, out var value) && value is SwitchParameter { IsPresent: true };

    private bool Shown(string variable) =>
        GetVariableValue(variable) is ActionPreference p && p is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);

    /// <summary>A redirected console (cron, systemd) gets plain text; see <see cref="RedirectedOutput"/>.</summary>
    protected override void BeginProcessing() => RedirectedOutput.UsePlainTextWhenRedirected(this);

    /// <summary>Ctrl-C: cancels the running Core call; the runner waits for it to wind down.</summary>
    protected override void StopProcessing() => _runner.Stop();

    /// <summary>Closes the session (state database, HTTP client) when the pipeline ends.</summary>
    public void Dispose()
    {
        _session?.Dispose();
        _runner.Dispose();
        GC.SuppressFinalize(this);
    }
}
