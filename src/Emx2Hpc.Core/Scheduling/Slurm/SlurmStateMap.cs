namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Where a state word was read. squeue lists jobs the controller still holds (alive, or finished less
/// than MinJobAge ago); sacct is the accounting record, consulted only for jobs squeue no longer shows, so its word
/// is final unless it names a state that is plainly still in progress.</summary>
public enum SlurmStateSource { Live, Accounting }

/// <summary>The verdict for one state word.</summary>
public sealed record SlurmStateMapping(SchedulerState State, bool Notable, string? FailureCode, string? CancelledBy);

/// <summary>Every Slurm job state mapped explicitly (the reference daemon failed jobs in states it did not
/// list, lost the cancelling uid and had no machine-readable failure reason).
///
/// Design decisions:
/// <list type="bullet">
/// <item>Held or requeue states (REQUEUED, REQUEUE_HOLD, RESV_DEL_HOLD, REQUEUE_FED, POWER_UP_NODE) are Queued;
/// the held ones are Notable so an admin sees why nothing happens.</item>
/// <item>SUSPENDED and STOPPED keep their allocation: Running + Notable.</item>
/// <item>PREEMPTED from squeue means the controller still holds the job; with requeue preemption it returns to
/// PENDING, so it is Queued + Notable, never a failure. From sacct (the job left the controller in that state)
/// it was not requeued: Failed with PREEMPTED. SPECIAL_EXIT is treated the same way (live: held for an admin to
/// release; accounting: it will never run again).</item>
/// <item>COMPLETED with a non-zero exit code or signal (Slurm's "exit:signal") is Failed NON_ZERO_EXIT.</item>
/// <item>An unknown word from squeue belongs to a job that is still alive: Queued + Notable, so a newer Slurm
/// version can never fail a running job. From sacct it is final: Failed with UNKNOWN_STATE.</item>
/// </list></summary>
public static class SlurmStateMap
{
    public const string NonZeroExit = "NON_ZERO_EXIT";
    public const string UnknownState = "UNKNOWN_STATE";

    private sealed record Rule(SchedulerState State, bool Notable = false, string? FailureCode = null);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["PENDING"] = new(SchedulerState.Queued),
        ["CONFIGURING"] = new(SchedulerState.Queued),
        ["POWER_UP_NODE"] = new(SchedulerState.Queued),
        ["REQUEUE_FED"] = new(SchedulerState.Queued),
        ["REQUEUED"] = new(SchedulerState.Queued, Notable: true),
        ["REQUEUE_HOLD"] = new(SchedulerState.Queued, Notable: true),
        ["RESV_DEL_HOLD"] = new(SchedulerState.Queued, Notable: true),

        ["RUNNING"] = new(SchedulerState.Running),
        ["COMPLETING"] = new(SchedulerState.Running),
        ["STAGE_OUT"] = new(SchedulerState.Running),
        ["RESIZING"] = new(SchedulerState.Running),
        ["SIGNALING"] = new(SchedulerState.Running),
        ["SUSPENDED"] = new(SchedulerState.Running, Notable: true),
        ["STOPPED"] = new(SchedulerState.Running, Notable: true),

        ["COMPLETED"] = new(SchedulerState.Completed),
        ["CANCELLED"] = new(SchedulerState.Cancelled),
        ["FAILED"] = new(SchedulerState.Failed, FailureCode: NonZeroExit),
        ["TIMEOUT"] = new(SchedulerState.Failed, FailureCode: "TIMEOUT"),
        ["OUT_OF_MEMORY"] = new(SchedulerState.Failed, FailureCode: "OUT_OF_MEMORY"),
        ["NODE_FAIL"] = new(SchedulerState.Failed, FailureCode: "NODE_FAIL"),
        ["BOOT_FAIL"] = new(SchedulerState.Failed, FailureCode: "BOOT_FAIL"),
        ["DEADLINE"] = new(SchedulerState.Failed, FailureCode: "DEADLINE"),
        ["REVOKED"] = new(SchedulerState.Failed, FailureCode: "REVOKED"),
    };

    /// <summary>States whose meaning depends on whether the controller still holds the job.</summary>
    private static readonly HashSet<string> LiveMeansWaiting = new(StringComparer.Ordinal) { "PREEMPTED", "SPECIAL_EXIT" };

    /// <summary>Every state word this map knows by name (for tests and documentation).</summary>
    public static IEnumerable<string> KnownStates => Rules.Keys.Concat(LiveMeansWaiting);

    public static SlurmStateMapping Map(string? rawState, string? exitCode, SlurmStateSource source)
    {
        var (word, cancelledBy) = Split(rawState);
        if (Rules.TryGetValue(word, out var rule))
        {
            if (rule.State == SchedulerState.Completed && IsNonZero(exitCode))
                return new(SchedulerState.Failed, false, NonZeroExit, null);
            return new(rule.State, rule.Notable, rule.FailureCode, rule.State == SchedulerState.Cancelled ? cancelledBy : null);
        }
        if (LiveMeansWaiting.Contains(word))
            return source == SlurmStateSource.Live
                ? new(SchedulerState.Queued, true, null, null)
                : new(SchedulerState.Failed, false, word, null);
        return source == SlurmStateSource.Live
            ? new(SchedulerState.Queued, true, null, null)
            : new(SchedulerState.Failed, false, UnknownState, null);
    }

    public static bool IsTerminal(SchedulerState state) => state is SchedulerState.Completed or SchedulerState.Failed or SchedulerState.Cancelled;

    /// <summary>"CANCELLED by 1000" → ("CANCELLED", "1000"); other words come back upper-cased and trimmed.</summary>
    private static (string Word, string? By) Split(string? rawState)
    {
        var text = (rawState ?? "").Trim();
        var marker = text.IndexOf(" by ", StringComparison.OrdinalIgnoreCase);
        if (marker < 0) return (text.ToUpperInvariant(), null);
        var by = text[(marker + 4)..].Trim();
        return (text[..marker].Trim().ToUpperInvariant(), by.Length == 0 ? null : by);
    }

    /// <summary>Slurm prints "exit:signal"; either part non-zero means the batch script did not succeed.
    /// Unparsable text is not evidence of failure.</summary>
    internal static bool IsNonZero(string? exitCode)
    {
        if (string.IsNullOrWhiteSpace(exitCode)) return false;
        foreach (var part in exitCode.Split(':'))
            if (int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n != 0)
                return true;
        return false;
    }
}
