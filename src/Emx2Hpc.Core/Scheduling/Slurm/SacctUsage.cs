using System.Globalization;
using Emx2Hpc.Core.Scheduling.Usage;

namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Reads usage from the rows of one finished job as <c>sacct</c> (without <c>-X</c>) prints them with
/// <see cref="SacctParser.UsageFields"/>: Elapsed, TotalCPU and AllocTRES come from the job's allocation row (its
/// TotalCPU is the sum over its steps), MaxRSS only exists on step rows (".batch", ".0" …), so the peak is the
/// largest over the steps of that allocation.</summary>
public static class SacctUsage
{
    /// <summary>Usage of one allocation row plus its steps; null when the row carries no accounting columns (squeue rows,
    /// or sacct's status format) or they cannot be read.</summary>
    public static JobUsage? Of(SlurmJobRow job, IEnumerable<SlurmJobRow> rows)
    {
        if (job.AllocTres is null && job.TotalCpu is null) return null;
        var tres = ParseTres(job.AllocTres);
        long? maxRss = null;
        foreach (var step in rows.Where(r => r.Id.IsStep && r.Id.Raw.Split('.')[0] == job.Id.Raw))
            if (ParseSize(step.MaxRss, 1) is { } rss) maxRss = Math.Max(maxRss ?? 0, rss);
        return JobUsage.Of(
            elapsedSeconds: ParseDuration(job.Elapsed) ?? 0,
            allocCpus: tres.GetValueOrDefault("cpu"),
            cpuUsedSeconds: ParseDuration(job.TotalCpu) ?? 0,
            allocMemoryBytes: tres.GetValueOrDefault("mem"),
            allocGpus: tres.GetValueOrDefault("gres/gpu"),
            allocNodes: tres.GetValueOrDefault("node"),
            maxRssBytes: maxRss, nodeList: job.Node, exitCode: job.ExitCode, state: job.State);
    }

    /// <summary>Slurm durations: "[D-][HH:]MM:SS[.fff]" — Elapsed prints "00:01:05" or "1-02:03:04", TotalCPU
    /// "01:02.345" below an hour. Null for empty, "INVALID" or unreadable text.</summary>
    public static double? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        double days = 0;
        var dash = t.IndexOf('-');
        if (dash >= 0)
        {
            if (!double.TryParse(t[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days)) return null;
            t = t[(dash + 1)..];
        }
        var parts = t.Split(':');
        if (parts.Length is < 1 or > 3) return null;
        double total = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (!double.TryParse(parts[i], last ? NumberStyles.AllowDecimalPoint : NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return null;
            total = total * 60 + v;
        }
        // "D-HH" (no minutes) exists in Slurm's time syntax; with a day part, two fields are hours and minutes.
        if (dash >= 0 && parts.Length == 2) total *= 60;
        return days * 86400 + total;
    }

    /// <summary>"billing=2,cpu=2,gres/gpu=2,mem=4G,node=1" → counts, memory in bytes. Typed GPU entries
    /// ("gres/gpu:a100=2") repeat the plain "gres/gpu" total and are not added again.</summary>
    public static IReadOnlyDictionary<string, long> ParseTres(string? text)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) continue;
            var key = item[..eq];
            // TRES memory is in megabytes unless a unit follows (sacct always prints one).
            var value = key == "mem" ? ParseSize(item[(eq + 1)..], 1024 * 1024) : ParseSize(item[(eq + 1)..], 1, binary: false);
            if (value is { } v) result[key] = v;
        }
        return result;
    }

    /// <summary>"12345K", "4G", "1.50M", "0": K/M/G/T/P are powers of 1024 (Slurm's units; for counts like
    /// "gres/gpu=2" a suffix would be 1000s, <paramref name="binary"/> false). A bare number is in
    /// <paramref name="bareUnit"/>.</summary>
    public static long? ParseSize(string? text, long bareUnit, bool binary = true)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        var multiplier = (double)bareUnit;
        var step = binary ? 1024.0 : 1000.0;
        var unit = char.ToUpperInvariant(t[^1]);
        var power = "KMGTP".IndexOf(unit);
        if (power >= 0)
        {
            multiplier = Math.Pow(step, power + 1);
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return null;
        return (long)Math.Round(number * multiplier);
    }
}
