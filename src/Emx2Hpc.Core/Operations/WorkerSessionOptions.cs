using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Core.Operations;

/// <summary>How a host (cmdlet, CLI command, script) opens a session.</summary>
public sealed record WorkerSessionOptions
{
    /// <summary>Config file; null means $EMX2_HPC_CONFIG, then /etc/emx2-hpc/config.yaml.</summary>
    public string? ConfigPath { get; init; }
    public bool AllowInsecureSecret { get; init; }
    public bool Simulate { get; init; }
    /// <summary>A user token (x-molgenis-token) for user-side calls: create, list, cancel, download.</summary>
    public string? UserToken { get; init; }
    public ILogSink? LogSink { get; init; }
    public bool Verbose { get; init; }
    /// <summary>Source name of the session's own log lines (the CLI says "emx2-hpc").</summary>
    public string LogSource { get; init; } = "emx2hpc";
    /// <summary>How long a cycle waits for a running one to finish before skipping (`once --lock-wait`).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.Zero;
    /// <summary>Transport override for the status probe (tests).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
    /// <summary>Start-up breakdown begun by the host at its first line (the CLI); null starts one when the session opens.</summary>
    public PhaseTimeline? Timeline { get; init; }
}
