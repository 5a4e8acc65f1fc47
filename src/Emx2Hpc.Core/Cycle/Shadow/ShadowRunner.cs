using System.Net;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle.Shadow;

/// <summary>Runs the real cycle with every side-effect port replaced (`once --shadow`, `run --shadow`,
/// Invoke-HpcCycle -Shadow): EMX2 behind <see cref="ShadowEmx2Handler"/>, the scheduler behind
/// <see cref="ShadowScheduler"/>, the jobs root behind <see cref="ShadowWorkspace"/>, and the state database as an
/// in-memory snapshot. Each cycle starts from a fresh snapshot of the real state, so a day of shadow cycles beside
/// the Python daemon always shows what a switch at that moment would do. It takes no cycle lock: it writes nothing a
/// real cycle could race with (its plan goes to the shadow audit file, <see cref="Audit.ShadowAuditTrail"/>).</summary>
public sealed class ShadowRunner(HpcConfig config, CycleRunnerOptions options, HpcLog log)
{
    public async Task<CycleReport> RunOnceAsync(CancellationToken ct = default)
    {
        var plan = new ShadowPlan(log.For("shadow"));
        var handler = new ShadowEmx2Handler(plan, options.Clock) { InnerHandler = options.HttpHandler ?? NewTransport() };
        var real = options.Scheduler ?? SchedulerFactory.Create(config, options.Simulate, log);
        try
        {
            using var client = new Emx2Client(Emx2ClientFactory.Options(config, options.Clock), log.For("emx2"), handler);
            using var store = StateStore.OpenSnapshot(config.Worker.StateDb, log.For("state"));
            var ctx = new CycleContext
            {
                Config = config, Client = client, Store = store, Scheduler = new ShadowScheduler(real, plan), Log = log.For("cycle"),
                Clock = options.Clock, Workspace = new ShadowWorkspace(plan, config.Staging.PosixOutputRoot),
                UnknownGrace = options.UnknownGrace ?? TimeSpan.FromSeconds(120), SubmitSettleTime = real.SubmitSettleTime,
            };
            var report = await new HpcCycle(ctx).RunAsync(register: true, acceptWork: true, ct);
            report = report with { Shadow = true, Planned = plan.Actions };
            Audit.ShadowAuditTrail.Append(config, report.Planned, options.Clock.GetUtcNow());
            log.Info(report.ToString());
            return report;
        }
        finally
        {
            // A transport the caller handed in is the caller's to dispose.
            if (options.HttpHandler is null) handler.Dispose();
        }
    }

    /// <summary>`run --shadow`: a shadow cycle every poll interval until <paramref name="stop"/> fires.</summary>
    public async Task RunLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await RunOnceAsync(CancellationToken.None);
            try { await Task.Delay(TimeSpan.FromSeconds(config.Worker.PollIntervalSeconds), options.Clock, stop); }
            catch (OperationCanceledException) { break; }
        }
        log.Info("shadow daemon stopped; nothing was changed");
    }

    /// <summary>The same transport settings as <see cref="Emx2Client"/>'s default (redirects seen, bytes as stored).</summary>
    private static SocketsHttpHandler NewTransport() => new()
    {
        AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}
