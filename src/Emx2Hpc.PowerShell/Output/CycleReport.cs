namespace Emx2Hpc;

/// <summary>What one worker cycle did (Invoke-HpcCycle).</summary>
public sealed class CycleReport
{
    /// <summary>Another cycle held the lock, so this one did nothing (not an error: cron runs overlapped).</summary>
    public bool Skipped { get; init; }
    public string? SkipReason { get; init; }
    public bool Registered { get; init; }
    public int Claimed { get; init; }
    public int Submitted { get; init; }
    public int Finished { get; init; }
    public int ReportsDelivered { get; init; }
    public int ReportsPending { get; init; }
    public int TrackedJobs { get; init; }
    /// <summary>Steps that failed, in order, with their error; empty on a clean cycle.</summary>
    public string[] Errors { get; init; } = [];
    /// <summary>EMX2 could not be reached or refused the credentials (an Emx2Hpc.Emx2Unreachable or
    /// Emx2Hpc.AuthRejected error follows the report).</summary>
    public bool Emx2Unreachable { get; init; }
    public bool AuthRejected { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>A shadow cycle (Invoke-HpcCycle -Shadow): nothing was changed; <see cref="Planned"/> says what would have been.</summary>
    public bool Shadow { get; init; }
    /// <summary>What a shadow cycle held back, in order, one "would ..." line per side effect.</summary>
    public string[] Planned { get; init; } = [];
}
