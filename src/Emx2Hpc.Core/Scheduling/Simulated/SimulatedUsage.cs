using System.Globalization;
using Emx2Hpc.Core.Scheduling.Slurm;

namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>Plausible accounting for simulated jobs, printed the way sacct prints it so it goes through the same
/// parsing as a real cluster's (<see cref="SacctUsage"/>): the allocation the job asked for, CPU time at 75 % of
/// what was allocated, and a ".batch" step whose peak RSS is half the memory.</summary>
internal static class SimulatedUsage
{
    private const string DefaultMemory = "1G";

    public static string AllocTres(ResourceSpec resources)
    {
        var cpus = Math.Max(1, resources.Cpus);
        var tres = $"billing={cpus},cpu={cpus},mem={resources.Memory ?? DefaultMemory},node=1";
        return GpuCount(resources.Gpus) is > 0 and var gpus ? $"{tres},gres/gpu={gpus}" : tres;
    }

    /// <summary>The job's row with accounting columns, plus its batch step, once the job has finished.</summary>
    public static IReadOnlyList<SlurmJobRow> WithAccounting(SlurmJobRow row, SimulatedJobRecord job)
    {
        if (job.EndedAt is null || job.AllocTres is null) return [row];
        var tres = SacctUsage.ParseTres(job.AllocTres);
        var elapsed = SacctUsage.ParseDuration(row.Elapsed) ?? 0;
        var totalCpu = Duration(elapsed * tres.GetValueOrDefault("cpu", 1) * 0.75);
        var rssKib = tres.GetValueOrDefault("mem") / 2 / 1024;
        var step = row with { JobId = $"{row.JobId}.batch", Comment = null, Name = "batch", Reason = null };
        return
        [
            row with { TotalCpu = totalCpu, AllocTres = job.AllocTres },
            step with { TotalCpu = totalCpu, AllocTres = job.AllocTres, MaxRss = rssKib.ToString(CultureInfo.InvariantCulture) + "K" },
        ];
    }

    /// <summary>"gpu:a100:2", "a100:2" or "2" → 2.</summary>
    private static long GpuCount(string? gpus)
    {
        if (string.IsNullOrWhiteSpace(gpus)) return 0;
        return long.TryParse(gpus.Split(':')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
    }

    /// <summary>sacct's TotalCPU format: "MM:SS.fff" below an hour, "HH:MM:SS" above.</summary>
    private static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds, 3));
        return span.TotalHours >= 1
            ? $"{(int)span.TotalHours:00}:{span.Minutes:00}:{span.Seconds:00}"
            : $"{span.Minutes:00}:{span.Seconds:00}.{span.Milliseconds:000}";
    }
}
