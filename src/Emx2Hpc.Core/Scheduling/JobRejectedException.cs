namespace Emx2Hpc.Core.Scheduling;

/// <summary>The job cannot be submitted as specified (invalid parameters, a value that cannot be placed safely
/// in a batch script). Retrying will not help: the caller reports the job FAILED with this message.</summary>
public sealed class JobRejectedException(string message) : SchedulerException(message);
