namespace Emx2Hpc.Core.Metrics;

/// <summary>One counter kept in the state database (table metric_counters).</summary>
public sealed record PersistedCounter(string Name, string Help, string[] LabelNames);

/// <summary>The counters that must count across processes: cron runs one cycle per process, so an in-memory counter
/// would restart at zero every minute. They are incremented in the transaction that records the event
/// (see Audit/AuditTrail), so a kill -9 can neither lose nor double a count.</summary>
public static class PersistedCounters
{
    public static readonly PersistedCounter JobsClaimed = new("emx2hpc_jobs_claimed_total", "EMX2 jobs claimed by this worker.", ["profile"]);
    public static readonly PersistedCounter JobsSubmitted = new("emx2hpc_jobs_submitted_total", "Jobs handed to the scheduler.", ["profile"]);
    public static readonly PersistedCounter JobsFinished = new("emx2hpc_jobs_finished_total", "Jobs whose terminal status EMX2 acknowledged, by terminal status.", ["profile", "status"]);
    public static readonly PersistedCounter InputsRefused = new("emx2hpc_hostile_inputs_refused_total", "Job inputs, outputs or parameters refused as unsafe, by reason.", ["reason"]);
    public static readonly PersistedCounter BytesUploaded = new("emx2hpc_uploaded_bytes_total", "Bytes uploaded to EMX2 (output and log artifacts).", []);
    public static readonly PersistedCounter BytesDownloaded = new("emx2hpc_downloaded_bytes_total", "Bytes of managed inputs staged (downloaded from EMX2) for jobs handed to the scheduler.", []);
    public static readonly PersistedCounter UsageWallSeconds = new("emx2hpc_usage_wall_seconds_total", "Wall-clock seconds of finished scheduler jobs (sacct Elapsed).", ["profile"]);
    public static readonly PersistedCounter UsageCpuAllocated = new("emx2hpc_usage_cpu_core_seconds_allocated_total", "CPU core-seconds allocated to finished jobs.", ["profile"]);
    public static readonly PersistedCounter UsageCpuUsed = new("emx2hpc_usage_cpu_core_seconds_used_total", "CPU core-seconds used by finished jobs (sacct TotalCPU).", ["profile"]);
    // Base units, as Prometheus' conventions (and promtool's lint) require: byte-seconds and node-seconds here, the
    // GB-seconds and node-hours of the transition detail and usage.json are the same figures scaled.
    public static readonly PersistedCounter UsageMemory = new("emx2hpc_usage_memory_byte_seconds_total", "Memory byte-seconds allocated to finished jobs (GB-seconds × 2^30).", ["profile"]);
    public static readonly PersistedCounter UsageGpu = new("emx2hpc_usage_gpu_seconds_total", "GPU-seconds allocated to finished jobs.", ["profile"]);
    public static readonly PersistedCounter UsageNodeSeconds = new("emx2hpc_usage_node_seconds_total", "Node-seconds allocated to finished jobs (node-hours × 3600).", ["profile"]);

    public static readonly IReadOnlyList<PersistedCounter> All =
    [
        JobsClaimed, JobsSubmitted, JobsFinished, InputsRefused, BytesUploaded, BytesDownloaded,
        UsageWallSeconds, UsageCpuAllocated, UsageCpuUsed, UsageMemory, UsageGpu, UsageNodeSeconds,
    ];

    public static readonly IReadOnlyDictionary<string, PersistedCounter> ByName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);
}
