using System.Reflection;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Status;

/// <summary>Gathers a <see cref="WorkerStatus"/>: local state first (no lock taken, nothing written except a schema
/// upgrade of an older database), then the EMX2 and scheduler probes in parallel so the answer comes in about
/// the time of the slower one.</summary>
public static class WorkerStatusProbe
{
    public static async Task<WorkerStatus> ProbeAsync(HpcConfig config, Emx2Client statusClient, bool simulate, IProcessRunner processes,
        TimeProvider clock, CancellationToken ct)
    {
        var emx2 = Emx2Probe.RunAsync(statusClient, ct);
        var scheduler = simulate
            ? Task.FromResult(SchedulerProbe.Simulated(SchedulerFactory.SimulatedStateDir(config)))
            : SchedulerProbe.SlurmAsync(processes, ct);
        var now = clock.GetUtcNow();
        var status = ReadLocal(config, now) with { Emx2 = await emx2, Scheduler = await scheduler };
        return status with { Problems = HealthRules.Problems(status, config) };
    }

    /// <summary>Client settings for the probe: one attempt and a short timeout, because a monitoring check must
    /// answer promptly and report "unreachable" rather than retry for a minute.</summary>
    public static Emx2ClientOptions ClientOptions(HpcConfig config, TimeProvider? clock = null)
    {
        var o = Emx2ClientFactory.Options(config, clock);
        return new Emx2ClientOptions
        {
            BaseUrl = o.BaseUrl, WorkerId = o.WorkerId, Secret = o.Secret, AuthMode = o.AuthMode, Clock = o.Clock,
            MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(5),
        };
    }

    private static WorkerStatus ReadLocal(HpcConfig config, DateTimeOffset now)
    {
        var path = Path.GetFullPath(config.Worker.StateDb);
        var status = new WorkerStatus
        {
            WorkerId = config.Emx2.WorkerId, Version = Version(), CheckedUtc = now, StateDb = path,
            Emx2 = new ServiceProbe("emx2", false, null, "not probed"), Scheduler = new ServiceProbe("scheduler", false, null, "not probed"),
            LockHolder = LockHolderReader.Read(path, now),
        };
        // A missing database is reported, not created: `status` must not make a never-run worker look initialised.
        if (!File.Exists(path) || new FileInfo(path).Length == 0) return status;
        using var store = StateStore.Open(path);
        var success = store.LastCycle(ok: true);
        var failure = store.LastCycle(ok: false);
        var pending = store.PendingReports();
        var phases = Enum.GetValues<LocalPhase>().ToDictionary(p => p.ToString().ToLowerInvariant(), _ => 0);
        foreach (var job in store.ListJobs()) phases[job.Phase.ToString().ToLowerInvariant()]++;
        return status with
        {
            StateDbExists = true,
            StateDbBytes = store.SizeBytes(),
            LastSuccessUtc = success?.FinishedUtc,
            LastSuccessAge = success is null ? null : now - success.FinishedUtc,
            LastErrorUtc = failure?.FinishedUtc,
            LastError = failure?.Errors,
            JobsByPhase = phases,
            OutboxDepth = pending.Count,
            OldestReportAge = pending.Count == 0 ? null : now - pending.Min(e => e.CreatedUtc),
        };
    }

    private static string Version()
    {
        var assembly = typeof(WorkerStatusProbe).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
