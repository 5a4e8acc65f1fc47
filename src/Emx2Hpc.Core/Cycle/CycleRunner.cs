using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Metrics;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>How a host wants cycles run.</summary>
public sealed record CycleRunnerOptions
{
    /// <summary>Use the simulated scheduler instead of Slurm.</summary>
    public bool Simulate { get; init; }
    /// <summary>A ready scheduler (tests); overrides <see cref="Simulate"/>.</summary>
    public IScheduler? Scheduler { get; init; }
    /// <summary>How long `once` waits for a running cycle to finish before giving up with exit 0.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.Zero;
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    public HttpMessageHandler? HttpHandler { get; init; }
    public TimeSpan? UnknownGrace { get; init; }
    /// <summary>Started by the host at its first line, so the debug breakdown covers configuration loading too;
    /// when null the runner starts one itself.</summary>
    public PhaseTimeline? Timeline { get; init; }
}

/// <summary>Owns the process-lifetime pieces (client, store, scheduler) and runs cycles under the lock.
/// `emx2-hpc once` / Invoke-HpcCycle call <see cref="RunOnceAsync"/>; `run` / Start-HpcDaemon call
/// <see cref="RunLoopAsync"/>.</summary>
public sealed class CycleRunner : IDisposable
{
    private readonly CycleContext _ctx;
    private readonly HpcCycle _cycle;

    public CycleContext Context => _ctx;

    /// <summary>This runner's metrics: served by `run` (metrics.listen), written after each cycle (metrics.textfile).</summary>
    public WorkerMetrics Metrics { get; } = new();

    // The default transport when no test handler is given; the client does not own a handler it was handed.
    private readonly HttpMessageHandler? _ownTransport;

    public CycleRunner(HpcConfig config, CycleRunnerOptions options, HpcLog log)
    {
        _timeline = options.Timeline ?? new PhaseTimeline();
        var inner = options.Scheduler ?? SchedulerFactory.Create(config, options.Simulate, log);
        var scheduler = new MeasuredScheduler(inner, Metrics);
        _timeline.Mark("scheduler set-up");
        var clientOptions = Emx2ClientFactory.Options(config, options.Clock);
        _ownTransport = options.HttpHandler is null ? Emx2Client.CreateDefaultHandler(clientOptions) : null;
        var client = new Emx2Client(clientOptions, log.For("emx2"),
            new Emx2RequestMetricsHandler(Metrics) { InnerHandler = options.HttpHandler ?? _ownTransport! });
        _timeline.Mark("http client set-up");
        StateStore? store = null;
        try
        {
            store = StateStore.Open(config.Worker.StateDb, log.For("state"));
            _timeline.Mark("state database open");
            _ctx = new CycleContext
            {
                Config = config, Client = client, Store = store, Scheduler = scheduler, Log = log.For("cycle"), Clock = options.Clock,
                UnknownGrace = options.UnknownGrace ?? TimeSpan.FromSeconds(120),
                SubmitSettleTime = scheduler.SubmitSettleTime,
            };
            if (store.QuarantinedAs is { } quarantined)
                store.InTransaction(tx => _ctx.Audit.Record(tx, Audit.AuditEvents.StateQuarantined, null,
                    new Dictionary<string, object?> { ["moved_to"] = quarantined }));
            _cycle = new HpcCycle(_ctx);
            _epilogue = new CycleEpilogue(_ctx, Metrics);
        }
        catch
        {
            store?.Dispose();
            client.Dispose();
            _ownTransport?.Dispose();
            throw;
        }
        _lockWait = options.LockWait;
    }

    private readonly TimeSpan _lockWait;
    private readonly CycleEpilogue _epilogue;
    // Only the first cycle of a process pays start-up; the breakdown is logged once and then dropped.
    private PhaseTimeline? _timeline;

    public async Task<CycleReport> RunOnceAsync(bool register = true, bool acceptWork = true, CancellationToken ct = default)
    {
        var timeline = _timeline;
        _timeline = null;
        var (cycleLock, holder) = await CycleLock.TryAcquireAsync(CycleLock.PathFor(_ctx.Store.Path), _lockWait, ct);
        using var held = cycleLock;
        var cycleLimit = TimeSpan.FromSeconds(_ctx.Config.Worker.CycleTimeoutSeconds);
        timeline?.Mark("cycle lock");
        if (cycleLock is null)
        {
            var reason = $"another cycle is running on {_ctx.Store.Path} ({holder ?? "holder unknown"})";
            // A cycle cancels itself after cycle_timeout_seconds; one holding the lock for twice that is stuck
            // (a hung file system, a blocked call), and every job on this worker has stopped: say so loudly.
            if (CycleLock.HeldSince(holder) is { } since && _ctx.Now - since > 2 * cycleLimit)
            {
                var stuck = $"the cycle lock on {_ctx.Store.Path} has been held for {(_ctx.Now - since).TotalMinutes:0} minutes " +
                            $"({holder}), far longer than a cycle may run ({cycleLimit.TotalMinutes:0} minutes); that process is stuck " +
                            "and no job on this worker is progressing. Inspect or kill it";
                _ctx.Log.Error(stuck);
                return new CycleReport { Skipped = true, SkipReason = stuck, LockStuck = true };
            }
            _ctx.Log.Info($"skipping this cycle: {reason}");
            return new CycleReport { Skipped = true, SkipReason = reason };
        }
        if (cycleLock.StaleHolder is not null)
            _ctx.Log.Warn($"previous cycle died without releasing its lock ({cycleLock.StaleHolder}); recovering its work");
        try
        {
            BindInstance();
        }
        catch (InstanceConflictException ex)
        {
            return new CycleReport { InstanceConflict = ex.Message, Errors = [$"instance: {ex.Message}"] };
        }
        var started = _ctx.Now;
        // Every step observes this token, so a cycle gives up the lock after cycle_timeout_seconds at the latest.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(cycleLimit);
        CycleReport report;
        try
        {
            report = await _cycle.RunAsync(register, acceptWork, limit.Token, timeline);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            report = new CycleReport { Errors = [$"cycle cancelled after worker.cycle_timeout_seconds ({cycleLimit.TotalSeconds:0}s)"] };
        }
        await _epilogue.AfterCycleAsync(report, started, CancellationToken.None);
        _ctx.Log.Info(report.ToString());
        timeline?.Log(_ctx.Log.For("timing"));
        return report;
    }

    public Task<Protocol.Dtos.WorkerRegistrationDto> RegisterAsync(CancellationToken ct) => _cycle.Registration.RegisterAsync(ct);

    /// <summary>Runs one interactive operation (claim, submit) under the cycle lock, waiting up to a minute for
    /// a running cron cycle to finish rather than racing it.</summary>
    public async Task<T> WithLockAsync<T>(Func<HpcCycle, Task<T>> work)
    {
        var wait = _lockWait > TimeSpan.FromMinutes(1) ? _lockWait : TimeSpan.FromMinutes(1);
        var (cycleLock, holder) = await CycleLock.TryAcquireAsync(CycleLock.PathFor(_ctx.Store.Path), wait, CancellationToken.None);
        using var held = cycleLock
            ?? throw new InvalidOperationException($"another cycle is still running on {_ctx.Store.Path} ({holder ?? "holder unknown"}); try again");
        BindInstance();
        return await work(_cycle);
    }

    /// <summary>The long-running daemon: register, then cycle every poll interval until <paramref name="stop"/>
    /// fires. Heartbeats run on their own timer so a long upload never starves them (the Python daemon sent them only between cycles). On stop, the
    /// current cycle finishes without claiming new work and the loop exits at once instead of sleeping out
    /// the interval; Slurm jobs keep running and are picked up by the next start.</summary>
    public async Task RunLoopAsync(CancellationToken stop)
    {
        BindInstance();
        using var endpoint = _ctx.Config.Metrics.Listen is { } listen ? MetricsEndpoint.Start(listen, Metrics) : null;
        if (endpoint is not null) _ctx.Log.Info($"metrics on http://{_ctx.Config.Metrics.Listen}/metrics");
        _epilogue.RefreshMetrics();
        await _cycle.Registration.RegisterAsync(stop);
        using var heartbeatCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var heartbeat = HeartbeatLoopAsync(heartbeatCts.Token);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var report = await RunOnceAsync(register: false, acceptWork: true, CancellationToken.None);
                if (report.InstanceConflict is { } conflict) throw new InstanceConflictException(conflict);
                try { await Task.Delay(TimeSpan.FromSeconds(_ctx.Config.Worker.PollIntervalSeconds), _ctx.Clock, stop); }
                catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            await heartbeatCts.CancelAsync();
            try { await heartbeat; } catch (OperationCanceledException) { }
            var active = _ctx.Store.ListJobs().Count;
            _ctx.Log.Info($"daemon stopped; {active} jobs keep running on the cluster and resume with the next start");
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(_ctx.Config.Worker.HeartbeatIntervalSeconds);
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(interval, _ctx.Clock, ct);
            try { await _cycle.Registration.HeartbeatAsync(ct); }
            catch (Exception ex) when (ex is Emx2ApiException or HttpRequestException)
            {
                _ctx.Log.Warn($"heartbeat failed: {ex.Message}");
            }
        }
    }

    /// <summary>One worker id, one state database on this host (<see cref="InstanceRegistry"/>); checked under the
    /// cycle lock before anything is registered, claimed or adopted. Logs and throws <see cref="InstanceConflictException"/>.</summary>
    private void BindInstance()
    {
        if (_ctx.Config.Worker.InstanceRegistry is not { } root) return;
        string? warning;
        try
        {
            warning = new InstanceRegistry(root).Claim(_ctx.WorkerId, _ctx.Config.Emx2.BaseUrl, _ctx.Store.Path);
        }
        catch (InstanceConflictException ex)
        {
            _ctx.Log.Error(ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _ctx.Log.Error($"cannot use the instance registry {root}: {ex.Message}");
            throw new InstanceConflictException($"cannot use the instance registry {root} ({ex.Message}): it must be writable by the service " +
                "user and the same for every instance on this host (create it once, e.g. install -d -o <service user> -m 700 " +
                $"{root}, or set worker.instance_registry)");
        }
        if (warning is not null) _ctx.Log.Warn(warning);
    }

    public void Dispose()
    {
        _ctx.Store.Dispose();
        _ctx.Client.Dispose();
        _ownTransport?.Dispose();
    }
}
