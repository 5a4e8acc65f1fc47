namespace Emx2Hpc.Core.Scheduling;

/// <summary>The scheduler answered and refused this submission for now, for a reason an admin lifts (the
/// partition is drained or inactive for maintenance). Unlike <see cref="SchedulerUnavailableException"/> the answer
/// is definite — no job was created — so the job may simply be submitted again in a later cycle; unlike a plain
/// <see cref="SchedulerException"/> it is no reason to fail the job.</summary>
public sealed class SubmissionDeferredException(string message) : SchedulerException(message);
