using Emx2Hpc.Core.Configuration;

namespace Emx2Hpc.Core.Status;

/// <summary>When the worker counts as unhealthy (exit 1 of `status`). Each rule names a condition an admin must act
/// on; a single failed cycle or a short EMX2 hiccup is tolerated by the age rules, not reported on its own.</summary>
internal static class HealthRules
{
    /// <summary>Cycles missed before the worker counts as stalled: one late cron run or slow cycle is normal.</summary>
    public const int MissedIntervals = 3;

    public static IReadOnlyList<string> Problems(WorkerStatus s, HpcConfig config)
    {
        var problems = new List<string>();
        var stallAfter = TimeSpan.FromSeconds(config.Worker.PollIntervalSeconds * MissedIntervals);
        if (!s.StateDbExists)
            problems.Add($"no state database at {s.StateDb}: the worker has never run a cycle with this configuration");
        else if (s.LastSuccessUtc is null)
            problems.Add("no successful cycle recorded yet");
        else if (s.LastSuccessAge > stallAfter)
            problems.Add($"last successful cycle {Ages.Text(s.LastSuccessAge.Value)} ago, more than {MissedIntervals} poll intervals ({Ages.Text(stallAfter)})");

        var maxReportAge = TimeSpan.FromSeconds(config.Status.MaxReportAgeSeconds);
        if (s.OldestReportAge > maxReportAge)
            problems.Add($"oldest unsent report is {Ages.Text(s.OldestReportAge.Value)} old (limit {Ages.Text(maxReportAge)}; status.max_report_age_seconds)");

        var maxCycle = TimeSpan.FromSeconds(config.Status.MaxCycleSeconds);
        if (s.LockHolder is { Alive: true, HeldFor: { } held } holder && held > maxCycle)
            problems.Add($"cycle lock held by pid {holder.Pid} for {Ages.Text(held)}, longer than a cycle can take ({Ages.Text(maxCycle)}; status.max_cycle_seconds): the cycle is hung");

        if (s.Emx2.CredentialsAccepted is false) problems.Add($"EMX2 refuses this worker's credentials: {s.Emx2.Detail}");
        else if (!s.Emx2.Reachable) problems.Add($"EMX2 unreachable: {s.Emx2.Detail}");
        if (!s.Scheduler.Reachable) problems.Add($"scheduler unreachable: {s.Scheduler.Detail}");
        return problems;
    }
}

/// <summary>Durations for people: "42s", "5m03s", "2h10m", "3d04h".</summary>
public static class Ages
{
    public static string Text(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalMinutes < 1) return $"{(int)t.TotalSeconds}s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes}m{t.Seconds:00}s";
        if (t.TotalDays < 1) return $"{(int)t.TotalHours}h{t.Minutes:00}m";
        return $"{(int)t.TotalDays}d{t.Hours:00}h";
    }
}
