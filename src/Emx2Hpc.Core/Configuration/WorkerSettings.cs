namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>worker</c> section: loop timing, local concurrency and where local state lives.</summary>
public sealed record WorkerSettings
{
    public int PollIntervalSeconds { get; init; } = 30;
    public int MaxConcurrentJobs { get; init; } = 10;
    public int HeartbeatIntervalSeconds { get; init; } = 120;

    /// <summary>Throttle for queue reports; 0 disables them (as in the Python daemon).</summary>
    public int QueueReportIntervalSeconds { get; init; } = 300;

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
    /// state: recovery of one would delete the other's jobs (gap 7 of the Python daemon).</summary>
    public static string DefaultStateDbPath(string workerId) => DefaultPaths.StateDb(workerId);
}
