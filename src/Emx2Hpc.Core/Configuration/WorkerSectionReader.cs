namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>worker</c> section. The default state database depends on the worker id, so the
/// <c>emx2</c> section is read first.</summary>
internal static class WorkerSectionReader
{
    public static WorkerSettings Read(LoadContext ctx, MappingReader section, string workerId)
    {
        var defaults = new WorkerSettings();
        return new WorkerSettings
        {
            PollIntervalSeconds = section.Int("poll_interval_seconds", defaults.PollIntervalSeconds),
            MaxConcurrentJobs = section.Int("max_concurrent_jobs", defaults.MaxConcurrentJobs),
            HeartbeatIntervalSeconds = section.Int("heartbeat_interval_seconds", defaults.HeartbeatIntervalSeconds),
            QueueReportIntervalSeconds = section.Int("queue_report_interval_seconds", defaults.QueueReportIntervalSeconds),
            JobRetentionHours = section.Int("job_retention_hours", defaults.JobRetentionHours),
            StepTimeoutSeconds = section.Int("step_timeout_seconds", defaults.StepTimeoutSeconds),
            CycleTimeoutSeconds = section.Int("cycle_timeout_seconds", defaults.CycleTimeoutSeconds),
                        StateDb = ReadPath(ctx, section, "state_db") ?? DefaultPaths.StateDb(workerId),
            InstanceRegistry = ReadPath(ctx, section, "instance_registry") ?? DefaultPaths.InstanceRegistry,
        };
    }

    private static string? ReadPath(LoadContext ctx, MappingReader section, string key)
        => section.Find(key) is { } entry && section.OptionalString(key) is { } text
            ? ConfigPaths.Resolve(ctx, entry, text)
            : null;
}
