namespace Emx2Hpc.Core.State;

/// <summary>Where this worker is with one EMX2 job. Each phase is written to SQLite *before* the side effect
/// that leads out of it, so after a crash the phase says exactly which step may have half-happened. The legal
/// changes between phases, and the only code that makes them, are in <see cref="JobLifecycle"/>.</summary>
public enum LocalPhase
{
    /// <summary>Claimed in EMX2; inputs not yet staged.</summary>
    Claimed,
    /// <summary>About to call the scheduler (write-ahead mark). On recovery: look for our tag before resubmitting.</summary>
    Submitting,
    /// <summary>The scheduler has the job (scheduler id recorded).</summary>
    Submitted,
    /// <summary>The scheduler reported it running.</summary>
    Running,
    /// <summary>A terminal outcome is decided; logs/outputs are being collected and the final report queued.</summary>
    Finishing,
    /// <summary>The final report is in the outbox; the row is kept until EMX2 acknowledges it.</summary>
    Done,
}

/// <summary>One tracked job row (table tracked_jobs). Wall-clock UTC times only: monotonic clocks do not
/// survive restarts (the Python daemon's mix of both mis-measured ages).</summary>
public sealed record TrackedJob
{
    public required string JobId { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public LocalPhase Phase { get; init; }
    /// <summary>The last EMX2 status this worker has reported or queued for the job.</summary>
    public string Emx2Status { get; init; } = "CLAIMED";
    public string? SchedulerName { get; init; }
    public string? SchedulerJobId { get; init; }
    public int SubmitAttempts { get; init; }
    public DateTimeOffset? SubmittingSinceUtc { get; init; }
    public DateTimeOffset? ClaimedAtUtc { get; init; }
    public int? TimeoutSeconds { get; init; }
    public int? SubmissionTimeoutSeconds { get; init; }
    /// <summary>Terminal status decided for the job (COMPLETED/FAILED/CANCELLED) while Finishing.</summary>
    public string? TerminalStatus { get; init; }
    public string? TerminalDetail { get; init; }
    /// <summary>When false, the scheduler job is gone or must not be waited for (e.g. EMX2 cancelled it).</summary>
    public bool CollectOutputs { get; init; } = true;
    public long ProgressOffset { get; init; }
    public string? ProgressFingerprint { get; init; }
    public DateTimeOffset? UnknownSinceUtc { get; init; }
    public DateTimeOffset? LastNotableReportUtc { get; init; }
    public string? LastNotableState { get; init; }
    /// <summary>The job as claimed (parameters, inputs, submit_user) for staging and provenance metadata (the Python
    /// daemon lost these for recovered jobs). Parsed once per row read, however many steps use it.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public ClaimedJob? Claim { get; init; }
    /// <summary>The claimed job's stored text (column job_json); setting it keeps the text and parses it on first use.</summary>
    public string? JobJson
    {
        get => Claim?.Json;
        init => Claim = value is null ? null : ClaimedJob.FromStored(value, JobId);
    }
    /// <summary>Where the job's directory was placed when it was first tracked, for operators (Get-HpcWorker shows it).
    /// The cycle derives the directories from the configured jobs root (<c>Cycle.JobPlacement</c>), not from this.</summary>
    public string? WorkDir { get; init; }
    public DateTimeOffset CreatedUtc { get; init; }
    public DateTimeOffset UpdatedUtc { get; init; }
}
