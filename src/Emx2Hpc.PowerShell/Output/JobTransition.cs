namespace Emx2Hpc;

/// <summary>One step of a job's status history (Get-HpcJobTransition), oldest first. A progress report is a
/// Started → Started transition carrying Phase, Message and Progress.</summary>
public sealed class JobTransition
{
    public string JobId { get; init; } = "";
    /// <summary>Null for the first transition (the job's creation).</summary>
    public JobStatus? FromStatus { get; init; }
    public JobStatus ToStatus { get; init; }
    /// <summary>When EMX2 recorded the transition, in UTC.</summary>
    public DateTimeOffset? Timestamp { get; init; }
    /// <summary>The worker that reported it; null when a user or EMX2 itself made it.</summary>
    public string? WorkerId { get; init; }
    public string? Detail { get; init; }
    public string? Phase { get; init; }
    public string? Message { get; init; }
    public double? Progress { get; init; }
}
