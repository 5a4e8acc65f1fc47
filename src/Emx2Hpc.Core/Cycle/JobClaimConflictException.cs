namespace Emx2Hpc.Core.Cycle;

/// <summary>A claim of a job that is no longer PENDING for this worker to take: it is already claimed and tracked
/// here. EMX2's own refusal (409 on /claim) arrives as Emx2ConflictException; both mean "someone holds this job".</summary>
public sealed class JobClaimConflictException(string jobId, string message) : InvalidOperationException(message)
{
    public string JobId { get; } = jobId;
}
