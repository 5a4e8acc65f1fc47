using System.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>One head-node cycle:
/// register → reconcile with EMX2 → flush outbox → poll+claim → stage+submit → monitor → timeouts → finish →
/// flush outbox. Each step is isolated: one failing step is logged and the rest still run, except that
/// an unreachable EMX2 ends the cycle early (nothing useful can happen without it). The caller holds the
/// cycle lock (see <see cref="CycleRunner"/>).</summary>
public sealed class HpcCycle
{
    private readonly CycleContext _ctx;
    private readonly WorkerRegistration _registration;
    private readonly ServerReconciler _reconciler;
    private readonly OutboxSender _outbox;
    private readonly JobPoller _poller;
    private readonly JobSubmitter _submitter;
    private readonly JobMonitor _monitor;
    private readonly TimeoutPolicy _timeouts;
    private readonly JobFinisher _finisher;
    private readonly TaggedJobs _tagged;
    private readonly WorkspaceRetention _retention;
    private readonly PosixOutputRetention _posixRetention;

    public HpcCycle(CycleContext ctx)
    {
        _ctx = ctx;
        var tagged = _tagged = new TaggedJobs(ctx.Scheduler);
        var retirement = new JobRetirement(ctx, tagged);
        var workspace = ctx.Workspace ?? new StagingWorkspace(ctx, new InputStager(new Emx2ArtifactStore(ctx.Client),
            new StagingOptions { AllowedPosixRoots = ctx.Config.Staging.AllowedPosixRoots, MaxPosixCopyBytes = ctx.Config.Staging.MaxPosixCopyBytes },
            ctx.Log.For("staging"), ctx.Store));
        _finisher = new JobFinisher(ctx, new ArtifactPublisher(ctx), workspace);
        _registration = new WorkerRegistration(ctx);
        _reconciler = new ServerReconciler(ctx, retirement, tagged);
        _outbox = new OutboxSender(ctx, retirement);
        _poller = new JobPoller(ctx);
        _submitter = new JobSubmitter(ctx, workspace, tagged, _finisher);
        _monitor = new JobMonitor(ctx, new ProgressRelay(ctx), _finisher);
        _timeouts = new TimeoutPolicy(ctx, _finisher, retirement);
        _retention = new WorkspaceRetention(ctx, workspace);
        _posixRetention = new PosixOutputRetention(ctx, workspace);
    }

    public WorkerRegistration Registration => _registration;

    /// <summary>Claims one job by id and tracks it (the pipeline path: Receive-HpcJob).</summary>
    public Task<Protocol.Dtos.JobDto> ClaimJobAsync(string jobId, CancellationToken ct) => _poller.ClaimByIdAsync(jobId, ct);

    /// <summary>Claims up to <paramref name="maxJobs"/> pending jobs this worker's profiles can run.</summary>
    public async Task<IReadOnlyList<TrackedJob>> ClaimAvailableAsync(int maxJobs, CancellationToken ct)
    {
        var before = _ctx.Store.ListJobs().Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        await _poller.PollAsync(ct, maxJobs);
        return _ctx.Store.ListJobs().Where(j => !before.Contains(j.JobId)).ToList();
    }

    /// <summary>Stages and submits one claimed job, then delivers the SUBMITTED (or FAILED) report at once.</summary>
    public async Task<TrackedJob> SubmitJobAsync(string jobId, CancellationToken ct)
    {
        var job = _ctx.Store.GetJob(jobId)
            ?? throw new InvalidOperationException($"job {jobId} is not claimed by this worker (claim it first with Receive-HpcJob)");
        if (job.Phase is not (LocalPhase.Claimed or LocalPhase.Submitting))
            throw new InvalidOperationException($"job {jobId} is already {job.Phase.ToString().ToLowerInvariant()} (scheduler job {job.SchedulerJobId ?? "none"})");
        _tagged.Forget();
        await _submitter.SubmitOneAsync(job, ct);
        await _finisher.FinishAsync(ct);
        await _outbox.FlushAsync(ct);
        var after = _ctx.Store.GetJob(jobId);
        if (after is null || after.Phase is LocalPhase.Finishing or LocalPhase.Done)
            throw new Scheduling.SchedulerException($"job {jobId} could not be submitted: {after?.TerminalDetail ?? "reported FAILED"}");
        return after;
    }

    /// <param name="register">Cron mode registers every cycle (it refreshes the heartbeat); the daemon
    /// registers once and heartbeats on its own timer.</param>
    /// <param name="timeline">Marks each step, for the start-up breakdown of a process's first cycle.</param>
    public async Task<CycleReport> RunAsync(bool register, bool acceptWork, CancellationToken ct, Diagnostics.PhaseTimeline? timeline = null)
    {
        var watch = Stopwatch.StartNew();
        _tagged.Forget();
        var errors = new List<string>();
        try
        {
            return await RunStepsAsync(register, acceptWork, errors, watch, ct, timeline);
        }
        catch (InstanceConflictException ex)
        {
            // Nothing after this point may run: the monitor and finisher would act on jobs another instance owns.
            _ctx.Log.Error(ex.Message);
            return new CycleReport
            {
                Errors = [.. errors, $"instance: {ex.Message}"], InstanceConflict = ex.Message,
                TrackedJobs = _ctx.Store.ListJobs().Count, ReportsPending = _ctx.Store.PendingReports().Count, Duration = watch.Elapsed,
            };
        }
    }

    private async Task<CycleReport> RunStepsAsync(bool register, bool acceptWork, List<string> errors, Stopwatch watch, CancellationToken ct,
        Diagnostics.PhaseTimeline? timeline)
    {
        var report = new CycleReport();

        async Task<bool> Step(string name, Func<Task> step)
        {
            try
            {
                await step();
                return true;
            }
            catch (Exception ex) when (ex is Emx2UnavailableException or Emx2AuthenticationException or Emx2ForbiddenException)
            {
                errors.Add($"{name}: {ex.Message}");
                _ctx.Log.Error($"{name}: {ex.Message}");
                report = report with { Emx2Unreachable = true, AuthRejected = report.AuthRejected || ex is not Emx2UnavailableException };
                return false;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or InstanceConflictException))
            {
                errors.Add($"{name}: {ex.Message}");
                _ctx.Log.Error($"{name} failed: {ex.Message}", _ctx.Log.IsEnabled(Diagnostics.LogLevel.Debug) ? ex : null);
                return true;
            }
            finally
            {
                timeline?.Mark("step " + name);
            }
        }

        var ok = !register || await Step("register", async () => { await _registration.RegisterAsync(ct); report = report with { Registered = true }; });
        if (ok) ok = await Step("reconcile", () => _reconciler.ReconcileAsync(ct));
        if (ok) ok = await Step("flush", async () => report = report with { ReportsDelivered = await _outbox.FlushAsync(ct) });
        if (ok && acceptWork) ok = await Step("poll", async () => report = report with { Claimed = await _poller.PollAsync(ct) });
        if (ok && acceptWork) await Step("submit", async () => report = report with { Submitted = await _submitter.SubmitPendingAsync(ct) });
        await Step("monitor", () => _monitor.MonitorAsync(ct));
        await Step("timeouts", () => _timeouts.EnforceAsync(ct));
        if (ok) ok = await Step("finish", async () => report = report with { Finished = await _finisher.FinishAsync(ct) });
        if (ok) await Step("flush", async () => report = report with { ReportsDelivered = report.ReportsDelivered + await _outbox.FlushAsync(ct) });
        await Step("retention", () => { _retention.Sweep(ct); return Task.CompletedTask; });
        await Step("posix retention", () => { _posixRetention.Sweep(ct); return Task.CompletedTask; });

        report = report with
        {
            Errors = errors,
            TrackedJobs = _ctx.Store.ListJobs().Count,
            ReportsPending = _ctx.Store.PendingReports().Count,
            Duration = watch.Elapsed,
        };
        timeline?.Mark("cycle report");
        return report;
    }
}
