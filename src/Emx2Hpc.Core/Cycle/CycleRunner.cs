using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
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

    public CycleRunner(HpcConfig config, CycleRunnerOptions options, HpcLog log)
    {
        _timeline = options.Timeline ?? new PhaseTimeline();
        var scheduler = options.Scheduler ?? SchedulerFactory.Create(config, options.Simulate, log);
        _timeline.Mark("scheduler set-up");
        var client = new Emx2Client(Emx2ClientFactory.Options(config, options.Clock), log.For("emx2"), options.HttpHandler);
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
                SubmitSettleTime = SchedulerFactory.SettleTime(scheduler),
            };
            _cycle = new HpcCycle(_ctx);
        }
        catch
        {
            store?.Dispose();
            client.Dispose();
            throw;
        }
        _lockWait = options.LockWait;
    }

    private readonly TimeSpan _lockWait;
    // Only the first cycle of a process pays start-up; the breakdown is logged once and then dropped.
    private PhaseTimeline? _timeline;

    public async Task<CycleReport> RunOnceAsync(bool register = true, bool acceptWork = true, CancellationToken ct = default)
    {
        var timeline = _timeline;
        _timeline = null;
        var (cycleLock, holder) = await CycleLock.TryAcquireAsync(CycleLock.PathFor(_ctx.Store.Path), _lockWait, ct);
        using var held = cycleLock;
        timeline?.Mark("cycle lock");
        if (cycleLock is null)
        {
            var reason = $"another cycle is running on {_ctx.Store.Path} ({holder ?? "holder unknown"})";
            _ctx.Log.Info($"skipping this cycle: {reason}");
            return new CycleReport { Skipped = true, SkipReason = reason };
        }
        if (cycleLock.StaleHolder is not null)
            _ctx.Log.Warn($"previous cycle died without releasing its lock ({cycleLock.StaleHolder}); recovering its work");
        var report = await _cycle.RunAsync(register, acceptWork, ct, timeline);
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
        return await work(_cycle);
    }

    /// <summary>The long-running daemon: register, then cycle every poll interval until <paramref name="stop"/>
    /// fires. Heartbeats run on their own timer so a long upload never starves them (gap 32). On stop, the
    /// current cycle finishes without claiming new work and the loop exits at once instead of sleeping out
    /// the interval; Slurm jobs keep running and are picked up by the next start.</summary>
    public async Task RunLoopAsync(CancellationToken stop)
    {
        await _cycle.Registration.RegisterAsync(stop);
        using var heartbeatCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var heartbeat = HeartbeatLoopAsync(heartbeatCts.Token);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await RunOnceAsync(register: false, acceptWork: true, CancellationToken.None);
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

    public void Dispose()
    {
        _ctx.Store.Dispose();
        _ctx.Client.Dispose();
    }
}
