namespace Emx2Hpc;

/// <summary>This worker's health at a glance (Get-HpcWorkerStatus): from the local state database, one read-only
/// request to EMX2 and one scheduler ping. <see cref="Healthy"/> is false when <see cref="Problems"/> names a reason.</summary>
public sealed class WorkerStatus
{
    public string WorkerId { get; init; } = "";
    public string Version { get; init; } = "";
    public DateTimeOffset CheckedAt { get; init; }
    public bool Healthy { get; init; }
    /// <summary>Each reason the worker counts as unhealthy, in words an admin can act on; empty when healthy.</summary>
    public string[] Problems { get; init; } = [];
    public DateTimeOffset? LastSuccessAt { get; init; }
    public TimeSpan? LastSuccessAge { get; init; }
    public DateTimeOffset? LastErrorAt { get; init; }
    public string? LastError { get; init; }
    public bool Emx2Reachable { get; init; }
    /// <summary>Null when it could not be learned (EMX2 unreachable).</summary>
    public bool? CredentialsAccepted { get; init; }
    public string Emx2Detail { get; init; } = "";
    public bool SchedulerReachable { get; init; }
    public string SchedulerDetail { get; init; } = "";
    /// <summary>Tracked jobs per local phase, phase name → count.</summary>
    public IReadOnlyDictionary<string, int> JobsByPhase { get; init; } = new Dictionary<string, int>();
    public int OutboxDepth { get; init; }
    public TimeSpan? OldestReportAge { get; init; }
    /// <summary>Process id of the cycle lock's holder; null when nobody holds it.</summary>
    public int? LockHolderPid { get; init; }
    public DateTimeOffset? LockHeldSince { get; init; }
    public TimeSpan? LockHeldFor { get; init; }
    public string StateDb { get; init; } = "";
    public long StateDbSize { get; init; }
}
