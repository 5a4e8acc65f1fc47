namespace Emx2Hpc;

/// <summary>An EMX2 job's status (the protocol's PENDING … CANCELLED). PowerShell compares enums with strings
/// case-insensitively, so <c>Where-Object Status -eq 'PENDING'</c> and <c>-eq 'Pending'</c> both work.</summary>
public enum JobStatus
{
    /// <summary>A status this version of the module does not know (a newer EMX2).</summary>
    Unknown = 0,
    Pending,
    Claimed,
    Submitted,
    Started,
    Completed,
    Failed,
    Cancelled,
}
