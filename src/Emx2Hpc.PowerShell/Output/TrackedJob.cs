namespace Emx2Hpc;

/// <summary>A job this worker tracks in its state database (Get-HpcTrackedJob, Submit-SlurmJob). Pipes into the
/// cmdlets taking -Id by its JobId. Times are UTC.</summary>
public sealed class TrackedJob
{
    public string JobId { get; init; } = "";
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public TrackedJobPhase Phase { get; init; }
    /// <summary>The last status this worker reported (or queued) to EMX2.</summary>
    public JobStatus Emx2Status { get; init; }
    /// <summary>The scheduler's job id (the Slurm job id, or sim-… with -Simulate); null before submission.</summary>
    public string? SlurmJobId { get; init; }
    public int SubmitAttempts { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    /// <summary>The job's own time limit from EMX2 (timeout_seconds).</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>The outcome decided while Finishing: Completed, Failed or Cancelled.</summary>
    public JobStatus? TerminalStatus { get; init; }
    public string? TerminalDetail { get; init; }
    /// <summary>The job's directory (input/, output/, work/) on the cluster filesystem.</summary>
    public string? WorkDirectory { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
