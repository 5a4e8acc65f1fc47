namespace Emx2Hpc.Core.Scheduling;

/// <summary>The scheduler answered and refused (sbatch rejected the script, invalid partition …).</summary>
public class SchedulerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The scheduler could not be asked: binary missing, command timed out, controller down. Nothing can
/// be concluded about job state from this, so callers retry later instead of failing jobs.</summary>
public sealed class SchedulerUnavailableException(string message, Exception? inner = null) : SchedulerException(message, inner);
