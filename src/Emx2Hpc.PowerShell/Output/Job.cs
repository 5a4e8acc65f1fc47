namespace Emx2Hpc;

/// <summary>An EMX2 job (Get-HpcJob, New-HpcJob, Receive-HpcJob, Stop-HpcJob). Timestamps are UTC; EMX2's naive
/// server-local times are converted with the server zone the client learned. Pipes into every cmdlet taking -Id
/// (by the Id property) and into Receive-HpcArtifact (by OutputArtifactId).</summary>
public sealed class Job
{
    public string Id { get; init; } = "";
    public JobStatus Status { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    /// <summary>The worker that claimed the job.</summary>
    public string? WorkerId { get; init; }
    public string? SlurmJobId { get; init; }
    /// <summary>The EMX2 user who created the job.</summary>
    public string? SubmitUser { get; init; }
    /// <summary>The job's parameters as ConvertFrom-Json would give them (PSCustomObject, object[], long, double,
    /// string, bool): <c>$job.Parameters.model</c>.</summary>
    public object? Parameters { get; init; }
    /// <summary>The job's inputs, converted the same way.</summary>
    public object? Inputs { get; init; }
    public string? OutputArtifactId { get; init; }
    public string? LogArtifactId { get; init; }
    /// <summary>The job fails when it has not finished this long after it was claimed.</summary>
    public TimeSpan? Timeout { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>The last progress report's phase, message and fraction (0.0 to 1.0).</summary>
    public string? Phase { get; init; }
    public string? Message { get; init; }
    public double? Progress { get; init; }
}
