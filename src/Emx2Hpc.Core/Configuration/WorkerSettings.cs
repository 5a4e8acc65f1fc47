namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>worker</c> section: loop timing, local concurrency and where local state lives.</summary>
public sealed record WorkerSettings
{
    public int PollIntervalSeconds { get; init; } = 30;
    public int MaxConcurrentJobs { get; init; } = 10;
    public int HeartbeatIntervalSeconds { get; init; } = 120;

    /// <summary>Throttle for queue reports; 0 disables them (as in the Python daemon).</summary>
    public int QueueReportIntervalSeconds { get; init; } = 300;

    /// <summary>How long a job's directory is kept after EMX2 acknowledged its final report (then removed).</summary>
    public int JobRetentionHours { get; init; } = 72;

    /// <summary>Time budget of one job's staging or result collection within a cycle; past it the step is
    /// abandoned for this cycle (and counts as a failed attempt).</summary>
    public int StepTimeoutSeconds { get; init; } = 1800;

    /// <summary>Longest a cycle may run; it is cancelled past this. A cron run that finds the cycle lock held for
    /// more than twice this long reports a stuck worker and exits non-zero.</summary>
    public int CycleTimeoutSeconds { get; init; } = 3600;

    /// <summary>Absolute path of the SQLite state database. Defaults per worker id (see
    /// <see cref="DefaultStateDbPath"/>); code that builds a config for another worker id should set it
    /// explicitly, the loader always does.</summary>
    public string StateDb { get; init; } = DefaultStateDbPath(Emx2Settings.DefaultWorkerId);

    /// <summary>Directory of the host-wide instance bindings (<see cref="State.InstanceRegistry"/>): one worker id, one
    /// state database per host. The loader defaults it to <see cref="DefaultPaths.InstanceRegistry"/>; null (the
    /// default for configs built in code, i.e. tests and the demo) turns the host-wide check off.</summary>
    public string? InstanceRegistry { get; init; }

    /// <summary>/var/lib/emx2-hpc/&lt;worker id&gt;/state.db: a fixed path, the same for cron, sudo and an interactive
    /// shell (no HOME or XDG_STATE_HOME in it). Per worker id because two workers on one account must never share
    /// state: recovery of one would delete the other's jobs (the Python daemon kept one per user account and did exactly that).</summary>
    public static string DefaultStateDbPath(string workerId) => DefaultPaths.StateDb(workerId);
}
