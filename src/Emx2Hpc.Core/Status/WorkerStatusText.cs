using System.Globalization;
using System.Text.Json;

namespace Emx2Hpc.Core.Status;

/// <summary>The two renderings of a status: one screen of aligned lines for people, JSON for scripts.</summary>
public static class WorkerStatusText
{
    public static IReadOnlyList<string> Lines(WorkerStatus s)
    {
        static string When(DateTimeOffset? t, TimeSpan? age) => t is null ? "never" : $"{t.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z ({Ages.Text(age ?? TimeSpan.Zero)} ago)";
        var lines = new List<string>
        {
            $"worker          {s.WorkerId} (emx2-hpc {s.Version})",
            $"health          {(s.Healthy ? "HEALTHY" : "UNHEALTHY")}",
        };
        lines.AddRange(s.Problems.Select(p => $"  problem       {p}"));
        lines.Add($"last success    {When(s.LastSuccessUtc, s.LastSuccessAge)}");
        lines.Add($"last error      {(s.LastError is null ? "none" : $"{When(s.LastErrorUtc, s.CheckedUtc - s.LastErrorUtc)}: {s.LastError}")}");
        lines.Add($"emx2            {(s.Emx2.Reachable ? "reachable" : "UNREACHABLE")}, credentials {(s.Emx2.CredentialsAccepted switch { true => "accepted", false => "REFUSED", null => "unknown" })}: {s.Emx2.Detail}");
        lines.Add($"scheduler       {s.Scheduler.Name} {(s.Scheduler.Reachable ? "reachable" : "UNREACHABLE")}: {s.Scheduler.Detail}");
        lines.Add($"tracked jobs    {s.JobsByPhase.Values.Sum()} ({string.Join(", ", s.JobsByPhase.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}").DefaultIfEmpty("none"))})");
        lines.Add($"outbox          {s.OutboxDepth} unsent{(s.OldestReportAge is { } age ? $", oldest {Ages.Text(age)}" : "")}");
        lines.Add($"lock            {(s.LockHolder is not { } h ? "free" : h.Alive ? $"held by pid {h.Pid} on {h.Host} since {h.SinceUtc:O} ({Ages.Text(h.HeldFor ?? TimeSpan.Zero)})" : $"free (record left by dead pid {h.Pid})")}");
        lines.Add($"state database  {s.StateDb} ({(s.StateDbExists ? string.Create(CultureInfo.InvariantCulture, $"{s.StateDbBytes / 1024.0:0.0} KiB") : "missing")})");
        return lines;
    }

    /// <summary>Durations as seconds (a number a script can compare), times as ISO 8601 UTC.</summary>
    public static string ToJson(WorkerStatus s) => JsonSerializer.Serialize(s, WorkerStatusJsonContext.Default.WorkerStatus);
}
