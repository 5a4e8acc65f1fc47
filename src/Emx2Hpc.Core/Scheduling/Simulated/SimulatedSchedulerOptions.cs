namespace Emx2Hpc.Core.Scheduling.Simulated;

public sealed record SimulatedSchedulerOptions
{
    /// <summary>Where jobs/, submissions.log and the lock live. Must persist between processes: a cron `once`
    /// submits in one process and sees completion in a later one.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Finished jobs older than this are purged, like Slurm accounting falling out of the lookback.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long to wait for another process holding the state directory.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reported as who cancelled ("CANCELLED by &lt;user&gt;").</summary>
    public string User { get; init; } = Environment.UserName;
}
