using Emx2Hpc.Core.State;
using Prometheus;

namespace Emx2Hpc.Core.Metrics;

/// <summary>Every metric the worker exposes, in its own registry (prometheus-net). Three kinds, by where the truth is:
/// <list type="bullet">
/// <item>Job counters (claimed, submitted, finished, refused, bytes, usage) are persisted in the state database in the
/// same transaction as the event they count (<see cref="PersistedCounters"/>), so they keep counting across cron runs
/// and restarts; <see cref="Refresh"/> copies them in.</item>
/// <item>State gauges (outbox, tracked jobs, last success) are read from the state database by <see cref="Refresh"/>.</item>
/// <item>Request, command and cycle-duration figures are measured in this process. In `run` mode they cover the
/// daemon's lifetime; in cron mode each textfile holds the one cycle of the run that wrote it (documented in the
/// README: use the gauges and persisted counters for rates, these for latency).</item>
/// </list>
/// Refresh runs on the cycle's thread after each cycle, so a scrape never touches the SQLite connection.</summary>
public sealed class WorkerMetrics
{
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    private readonly Dictionary<string, Counter> _persisted = new(StringComparer.Ordinal);

    public Histogram CycleDuration { get; }
    public Counter Emx2Requests { get; }
    public Histogram Emx2RequestDuration { get; }
    public Counter SchedulerCommands { get; }
    public Histogram SchedulerCommandDuration { get; }
    private readonly Gauge _outboxDepth;
    private readonly Gauge _outboxOldestAge;
    private readonly Gauge _trackedJobs;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _lastCycleDuration;

    public WorkerMetrics()
    {
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        foreach (var def in PersistedCounters.All)
            _persisted[def.Name] = f.CreateCounter(def.Name, def.Help, def.LabelNames);

        CycleDuration = f.CreateHistogram("emx2hpc_cycle_duration_seconds", "Duration of worker cycles run by this process.",
            new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600] });
        Emx2Requests = f.CreateCounter("emx2hpc_emx2_requests_total", "HTTP requests (attempts) to EMX2 made by this process, by endpoint family and status class.",
            ["family", "status_class"]);
        Emx2RequestDuration = f.CreateHistogram("emx2hpc_emx2_request_duration_seconds", "Latency of EMX2 requests (until response headers) made by this process.",
            new HistogramConfiguration { LabelNames = ["family"], Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        SchedulerCommands = f.CreateCounter("emx2hpc_scheduler_commands_total", "Scheduler operations (sbatch, squeue+sacct, scancel) run by this process, by outcome.",
            ["command", "outcome"]);
        SchedulerCommandDuration = f.CreateHistogram("emx2hpc_scheduler_command_duration_seconds", "Latency of scheduler operations run by this process.",
            new HistogramConfiguration { LabelNames = ["command"], Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _outboxDepth = f.CreateGauge("emx2hpc_outbox_depth", "Reports to EMX2 not yet acknowledged.");
        _outboxOldestAge = f.CreateGauge("emx2hpc_outbox_oldest_age_seconds", "Age of the oldest unacknowledged report (0 when the outbox is empty).");
        _trackedJobs = f.CreateGauge("emx2hpc_tracked_jobs", "Jobs tracked in the local state database, by local phase.", ["phase"]);
        _lastSuccess = f.CreateGauge("emx2hpc_last_success_timestamp_seconds", "Unix time of the end of the last successful cycle (0: none recorded).");
        _lastCycleDuration = f.CreateGauge("emx2hpc_last_cycle_duration_seconds", "Duration of the last recorded cycle, whichever process ran it.");
    }

    /// <summary>Copies persisted counters and state gauges from the store; call on the thread that owns the store.</summary>
    public void Refresh(StateStore store, DateTimeOffset now)
    {
        foreach (var value in store.Counters())
        {
            if (!_persisted.TryGetValue(value.Name, out var counter)) continue; // a name a newer build wrote
            var def = PersistedCounters.ByName[value.Name];
            var labels = def.LabelNames.Select(n => value.Labels.FirstOrDefault(l => l.Name == n).Value ?? "").ToArray();
            counter.WithLabels(labels).IncTo(value.Value);
        }
        var pending = store.PendingReports();
        _outboxDepth.Set(pending.Count);
        _outboxOldestAge.Set(pending.Count == 0 ? 0 : Math.Max(0, (now - pending.Min(e => e.CreatedUtc)).TotalSeconds));
        var phases = Enum.GetValues<LocalPhase>().ToDictionary(p => p, _ => 0);
        foreach (var job in store.ListJobs()) phases[job.Phase]++;
        foreach (var (phase, count) in phases) _trackedJobs.WithLabels(phase.ToString().ToLowerInvariant()).Set(count);
        _lastSuccess.Set(store.LastCycle(ok: true)?.FinishedUtc.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
        _lastCycleDuration.Set(store.LastCycle()?.Duration.TotalSeconds ?? 0);
    }

    public async Task<string> ExportTextAsync(CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, ct).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
