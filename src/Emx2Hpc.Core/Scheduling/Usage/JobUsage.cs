using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Emx2Hpc.Core.Scheduling.Usage;

/// <summary>What one finished scheduler job consumed, as its accounting recorded it (for Slurm: one sacct row per job
/// plus its step rows, see <see cref="Slurm.SacctUsage"/>), and the figures derived from it for reporting. An array or
/// heterogeneous job is the sum of its parts; <see cref="MaxRssBytes"/> is the largest of any step.</summary>
public sealed record JobUsage
{
    /// <summary>Wall-clock seconds (sacct Elapsed).</summary>
    public required double ElapsedSeconds { get; init; }
    /// <summary>CPUs allocated (AllocTRES cpu=).</summary>
    public required long AllocCpus { get; init; }
    /// <summary>CPU time used, user + system, in core-seconds (sacct TotalCPU).</summary>
    public required double CpuUsedSeconds { get; init; }
    /// <summary>Memory allocated in bytes (AllocTRES mem=).</summary>
    public required long AllocMemoryBytes { get; init; }
    /// <summary>GPUs allocated (AllocTRES gres/gpu=, 0 without).</summary>
    public required long AllocGpus { get; init; }
    /// <summary>Nodes allocated (AllocTRES node=).</summary>
    public required long AllocNodes { get; init; }
    /// <summary>Peak resident memory of any step in bytes (sacct MaxRSS), null when no step recorded one.</summary>
    public long? MaxRssBytes { get; init; }
    public string? NodeList { get; init; }
    public string? ExitCode { get; init; }
    public string? State { get; init; }

    /// <summary>Wall-clock seconds; for a job of several parts (array tasks), the sum over the parts.</summary>
    public required double WallSeconds { get; init; }
    public required double CpuCoreSecondsAllocated { get; init; }
    public required double CpuCoreSecondsUsed { get; init; }
    /// <summary>GB here is 2^30 bytes, Slurm's "G" (so mem=4G for 10 s is 40 GB-seconds).</summary>
    public required double MemoryGbSeconds { get; init; }
    public required double GpuSeconds { get; init; }
    public required double NodeHours { get; init; }

    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>The figures of one allocation (one job, or one array task): core-seconds allocated = elapsed × CPUs,
    /// used = TotalCPU, GB-seconds = allocated memory × elapsed, GPU-seconds = elapsed × GPUs, node-hours =
    /// elapsed × nodes / 3600.</summary>
    public static JobUsage Of(double elapsedSeconds, long allocCpus, double cpuUsedSeconds, long allocMemoryBytes, long allocGpus,
        long allocNodes, long? maxRssBytes = null, string? nodeList = null, string? exitCode = null, string? state = null) => new()
    {
        ElapsedSeconds = elapsedSeconds, AllocCpus = allocCpus, CpuUsedSeconds = cpuUsedSeconds, AllocMemoryBytes = allocMemoryBytes,
        AllocGpus = allocGpus, AllocNodes = allocNodes, MaxRssBytes = maxRssBytes, NodeList = nodeList, ExitCode = exitCode, State = state,
        WallSeconds = elapsedSeconds,
        CpuCoreSecondsAllocated = elapsedSeconds * allocCpus,
        CpuCoreSecondsUsed = cpuUsedSeconds,
        MemoryGbSeconds = allocMemoryBytes / GiB * elapsedSeconds,
        GpuSeconds = elapsedSeconds * allocGpus,
        NodeHours = elapsedSeconds * allocNodes / 3600.0,
    };

    /// <summary>Adds two parts of one job (array tasks, heterogeneous components): every figure is a sum, computed
    /// per part first (two tasks of 10 s × 2 CPUs are 40 core-seconds, not 20 s × 4 CPUs); the peak RSS is the larger.</summary>
    public JobUsage Plus(JobUsage other) => this with
    {
        ElapsedSeconds = ElapsedSeconds + other.ElapsedSeconds,
        AllocCpus = AllocCpus + other.AllocCpus,
        CpuUsedSeconds = CpuUsedSeconds + other.CpuUsedSeconds,
        AllocMemoryBytes = AllocMemoryBytes + other.AllocMemoryBytes,
        AllocGpus = AllocGpus + other.AllocGpus,
        AllocNodes = AllocNodes + other.AllocNodes,
        MaxRssBytes = MaxRssBytes is null ? other.MaxRssBytes : other.MaxRssBytes is null ? MaxRssBytes : Math.Max(MaxRssBytes.Value, other.MaxRssBytes.Value),
        WallSeconds = WallSeconds + other.WallSeconds,
        CpuCoreSecondsAllocated = CpuCoreSecondsAllocated + other.CpuCoreSecondsAllocated,
        CpuCoreSecondsUsed = CpuCoreSecondsUsed + other.CpuCoreSecondsUsed,
        MemoryGbSeconds = MemoryGbSeconds + other.MemoryGbSeconds,
        GpuSeconds = GpuSeconds + other.GpuSeconds,
        NodeHours = NodeHours + other.NodeHours,
    };

    /// <summary>"usage: wall_s=65 cpu_alloc_core_s=130 cpu_used_core_s=62.345 mem_gb_s=260 gpu_s=0 node_h=0.0181 max_rss=12.1MiB",
    /// for the terminal transition's detail text.</summary>
    public string Compact()
    {
        var text = $"usage: wall_s={N(WallSeconds)} cpu_alloc_core_s={N(CpuCoreSecondsAllocated)} cpu_used_core_s={N(CpuCoreSecondsUsed)} " +
                   $"mem_gb_s={N(MemoryGbSeconds)} gpu_s={N(GpuSeconds)} node_h={N(NodeHours)}";
        return MaxRssBytes is { } rss ? $"{text} max_rss_bytes={rss.ToString(CultureInfo.InvariantCulture)}" : text;
    }

    /// <summary>The figures and the raw accounting they come from, in a fixed order (usage.json, audit, state DB).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["wall_seconds"] = R(WallSeconds),
            ["cpu_core_seconds_allocated"] = R(CpuCoreSecondsAllocated),
            ["cpu_core_seconds_used"] = R(CpuCoreSecondsUsed),
            ["memory_gb_seconds"] = R(MemoryGbSeconds),
            ["gpu_seconds"] = R(GpuSeconds),
            ["node_hours"] = NodeHours, // hours: three decimals would round short jobs away
            ["alloc_cpus"] = AllocCpus,
            ["alloc_memory_bytes"] = AllocMemoryBytes,
            ["alloc_gpus"] = AllocGpus,
            ["alloc_nodes"] = AllocNodes,
            ["cpu_used_seconds"] = R(CpuUsedSeconds),
            ["elapsed_seconds"] = R(ElapsedSeconds),
        };
        if (MaxRssBytes is not null) o["max_rss_bytes"] = MaxRssBytes;
        if (NodeList is not null) o["node_list"] = NodeList;
        if (ExitCode is not null) o["exit_code"] = ExitCode;
        if (State is not null) o["state"] = State;
        return o;
    }

    public string ToJsonString() => ToJson().ToJsonString();

    /// <summary>Reads what <see cref="ToJsonString"/> wrote .</summary>
    public static JobUsage FromJson(string json)
    {
        var o = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("usage record is not a JSON object");
        return new JobUsage
        {
            ElapsedSeconds = o["elapsed_seconds"]!.GetValue<double>(),
            AllocCpus = o["alloc_cpus"]!.GetValue<long>(),
            CpuUsedSeconds = o["cpu_used_seconds"]!.GetValue<double>(),
            AllocMemoryBytes = o["alloc_memory_bytes"]!.GetValue<long>(),
            AllocGpus = o["alloc_gpus"]!.GetValue<long>(),
            AllocNodes = o["alloc_nodes"]!.GetValue<long>(),
            MaxRssBytes = o["max_rss_bytes"]?.GetValue<long>(),
            NodeList = o["node_list"]?.GetValue<string>(),
            ExitCode = o["exit_code"]?.GetValue<string>(),
            State = o["state"]?.GetValue<string>(),
            WallSeconds = o["wall_seconds"]!.GetValue<double>(),
            CpuCoreSecondsAllocated = o["cpu_core_seconds_allocated"]!.GetValue<double>(),
            CpuCoreSecondsUsed = o["cpu_core_seconds_used"]!.GetValue<double>(),
            MemoryGbSeconds = o["memory_gb_seconds"]!.GetValue<double>(),
            GpuSeconds = o["gpu_seconds"]!.GetValue<double>(),
            NodeHours = o["node_hours"]!.GetValue<double>(),
        };
    }

    /// <summary>Millisecond precision (TotalCPU's) is all accounting has; more digits would only be float noise.</summary>
    private static double R(double value) => Math.Round(value, 3);

    private static string N(double value) => R(value).ToString("0.###", CultureInfo.InvariantCulture);
}
