namespace Emx2Hpc.Core.Scheduling;

/// <summary>Where a scheduler job is, reduced to what EMX2 cares about. Raw fields are kept for the detail
/// text and for audit.</summary>
public enum SchedulerState
{
    /// <summary>Waiting to run (PENDING, CONFIGURING, REQUEUED, REQUEUE_HOLD, held …): EMX2 stays SUBMITTED.</summary>
    Queued,
    /// <summary>Running or winding down (RUNNING, COMPLETING, SUSPENDED, STOPPED …): EMX2 STARTED.</summary>
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>One observation of one scheduler job.</summary>
public sealed record SchedulerJobInfo
{
    public required string SchedulerJobId { get; init; }
    /// <summary>EMX2 job id recovered from our tag, null if the job is not ours.</summary>
    public string? Emx2JobId { get; init; }
    /// <summary>For a job the Python emx2-hpc-daemon submitted: the first 8 characters of the EMX2 job id its job
    /// name carries (it wrote no full id anywhere). Null for our own jobs and for jobs that are not EMX2's.</summary>
    public string? LegacyIdPrefix { get; init; }
    /// <summary>State word as the scheduler printed it, e.g. "CANCELLED by 1000".</summary>
    public required string RawState { get; init; }
    public required SchedulerState State { get; init; }
    /// <summary>Unusual states worth reporting even without a status change (SUSPENDED, REQUEUED, PREEMPTED …).</summary>
    public bool Notable { get; init; }
    public string? ExitCode { get; init; }
    public string? Reason { get; init; }
    public string? Node { get; init; }
    public string? Elapsed { get; init; }
    /// <summary>Uid or user that cancelled the job, parsed from "CANCELLED by X".</summary>
    public string? CancelledBy { get; init; }
    /// <summary>Machine-readable reason for a failure: TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, NON_ZERO_EXIT …</summary>
    public string? FailureCode { get; init; }
    /// <summary>What a finished job consumed, from the scheduler's accounting; null while it runs or when the scheduler
    /// keeps no accounting. Not part of <see cref="Detail"/>: the monitor adds it to the terminal transition only.</summary>
    public Usage.JobUsage? Usage { get; init; }

    /// <summary>"slurm_state=…; exit_code=…; reason=…; node=…; elapsed=…" (the reference daemon's format).</summary>
    public string Detail
    {
        get
        {
            var parts = new List<string> { $"slurm_state={RawState}" };
            if (!string.IsNullOrEmpty(ExitCode) && ExitCode != "0:0") parts.Add($"exit_code={ExitCode}");
            if (!string.IsNullOrEmpty(FailureCode)) parts.Add($"failure={FailureCode}");
            if (!string.IsNullOrEmpty(Reason) && Reason is not "None" and not "(null)") parts.Add($"reason={Reason}");
            if (!string.IsNullOrEmpty(Node) && Node is not "None assigned" and not "(null)") parts.Add($"node={Node}");
            if (!string.IsNullOrEmpty(Elapsed)) parts.Add($"elapsed={Elapsed}");
            return string.Join("; ", parts);
        }
    }
}
