namespace Emx2Hpc.Core.Cycle;

/// <summary>What one cycle did, for the CLI's summary line, Invoke-HpcCycle's output object and tests.</summary>
public sealed record CycleReport
{
    /// <summary>Another cycle held the lock; nothing was done (not an error: cron overlap).</summary>
    public bool Skipped { get; init; }
    public string? SkipReason { get; init; }
    /// <summary>Skipped because the lock has been held far longer than a cycle may run (worker.cycle_timeout_seconds):
    /// the holder is stuck and every job on this worker has stopped moving. Cron must see a failure.</summary>
    public bool LockStuck { get; init; }
    public bool Registered { get; init; }
    public int Claimed { get; init; }
    public int Submitted { get; init; }
    public int Finished { get; init; }
    public int ReportsDelivered { get; init; }
    public int ReportsPending { get; init; }
    public int TrackedJobs { get; init; }
    /// <summary>Steps that failed, in order, with their error. Empty on a clean cycle.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
    /// <summary>True when EMX2 could not be reached or refused our credentials: cron should see a failure.</summary>
    public bool Emx2Unreachable { get; init; }
    /// <summary>Of those, EMX2 answered but refused the credentials or role (401/403): fix the secret or the clock,
    /// not the network.</summary>
    public bool AuthRejected { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>Another instance works under this worker id (<see cref="State.InstanceConflictException"/>): the cycle
    /// stopped before claiming or adopting anything. Cron should see a failure.</summary>
    public string? InstanceConflict { get; init; }
    /// <summary>A shadow cycle: nothing was changed anywhere; <see cref="Planned"/> lists what would have been done.</summary>
    public bool Shadow { get; init; }
    public IReadOnlyList<Shadow.PlannedAction> Planned { get; init; } = [];

    public override string ToString() => Skipped
        ? $"cycle skipped: {SkipReason}"
        : Shadow
        ? $"shadow cycle: would claim {Claimed}, submit {Submitted}, finish {Finished}, deliver {ReportsDelivered} reports; " +
          $"{Planned.Count} actions held back, nothing changed{(Errors.Count > 0 ? $", {Errors.Count} errors" : "")} ({Duration.TotalSeconds:0.0}s)"
        : $"cycle complete: {TrackedJobs} active jobs, claimed {Claimed}, submitted {Submitted}, finished {Finished}, " +
          $"reports delivered {ReportsDelivered}, pending {ReportsPending}{(Errors.Count > 0 ? $", {Errors.Count} errors" : "")} ({Duration.TotalSeconds:0.0}s)";
}
