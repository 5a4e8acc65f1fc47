namespace Emx2Hpc.Core.Status;

/// <summary>Everything `emx2-hpc status` / Get-HpcWorkerStatus shows on one screen. Built from local state plus at
/// most one read-only EMX2 request and one scheduler ping; <see cref="Problems"/> lists why it is unhealthy.</summary>
public sealed record WorkerStatus
{
    public required string WorkerId { get; init; }
    public required string Version { get; init; }
    public required DateTimeOffset CheckedUtc { get; init; }
    public bool Healthy => Problems.Count == 0;
    /// <summary>Each reason the worker counts as unhealthy, in words an admin can act on. Empty when healthy.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public DateTimeOffset? LastSuccessUtc { get; init; }
    public TimeSpan? LastSuccessAge { get; init; }
    public DateTimeOffset? LastErrorUtc { get; init; }
    public string? LastError { get; init; }

    public required ServiceProbe Emx2 { get; init; }
    public required ServiceProbe Scheduler { get; init; }

    /// <summary>Tracked jobs per local phase (claimed, submitting, submitted, running, finishing, done).</summary>
    public IReadOnlyDictionary<string, int> JobsByPhase { get; init; } = new Dictionary<string, int>();
    public int OutboxDepth { get; init; }
    public TimeSpan? OldestReportAge { get; init; }

    public LockHolderInfo? LockHolder { get; init; }

    public required string StateDb { get; init; }
    public bool StateDbExists { get; init; }
    public long StateDbBytes { get; init; }
}

/// <summary>Result of the one cheap probe of EMX2 or the scheduler. <see cref="CredentialsAccepted"/> is null when
/// it could not be learned (unreachable, or a probe that has no credentials).</summary>
public sealed record ServiceProbe(string Name, bool Reachable, bool? CredentialsAccepted, string Detail);

/// <summary>Who holds the cycle lock, from its owner record. <see cref="Alive"/> false: the record was left by a
/// process that died holding the lock (the kernel has already released the lock itself).</summary>
public sealed record LockHolderInfo(int? Pid, string? Host, DateTimeOffset? SinceUtc, TimeSpan? HeldFor, bool Alive, string Record);
