using System.Globalization;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Scheduling.Slurm;

namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>A file-backed stand-in for Slurm, for demos, tests and <c>once --simulate</c>. Nothing is executed:
/// each QueryAsync pass moves every queried unfinished job one step (PENDING → RUNNING for
/// <see cref="SimulationPlan.Steps"/> passes → COMPLETED/FAILED/TIMEOUT) and writes the files a real run would.
/// Submissions go through <see cref="BatchScriptBuilder"/> so a job the real scheduler would reject is rejected
/// here too. State is shared safely between processes through <see cref="StateDirectoryLock"/>.</summary>
public sealed class SimulatedScheduler : IScheduler
{
    private readonly SimulatedSchedulerOptions _options;
    private readonly SimulatedJobStore _store;
    private readonly HpcLog _log;
    private readonly TimeProvider _clock;

    public SimulatedScheduler(SimulatedSchedulerOptions options, HpcLog? log = null, TimeProvider? clock = null)
    {
        _options = options;
        _store = new SimulatedJobStore(options.StateDirectory);
        _log = (log ?? HpcLog.Null).For("simulated");
        _clock = clock ?? TimeProvider.System;
    }

    public string Name => "simulated";

    /// <summary>Simulated submission is atomic in-process, so there is nothing to wait for.</summary>
    public TimeSpan SubmitSettleTime => TimeSpan.Zero;

    /// <summary>One line per successful SubmitAsync: "&lt;UTC time&gt;\t&lt;sim id&gt;\t&lt;EMX2 job id&gt;".</summary>
    public string SubmissionsLogPath => _store.SubmissionsLog;

    public Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct) => SubmitAsync(spec, legacyName: false, ct);

    /// <summary>Submits as the Python emx2-hpc-daemon did (job name "emx2-" + the first 8 characters of the EMX2 job
    /// id, no comment tag), so a takeover can be rehearsed against the simulated cluster.</summary>
    public Task<string> SubmitAsPythonDaemonAsync(BatchJobSpec spec, CancellationToken ct) => SubmitAsync(spec, legacyName: true, ct);

    private async Task<string> SubmitAsync(BatchJobSpec spec, bool legacyName, CancellationToken ct)
    {
        var script = BatchScriptBuilder.Build(spec);
        var plan = SimulationPlan.FromParametersJson(spec.ParametersJson);
        spec.Directories.Create();
        BatchScriptFile.Write(spec.Directories, script);

        using var _ = await StateDirectoryLock.AcquireAsync(_options.StateDirectory, _options.LockTimeout, ct).ConfigureAwait(false);
        string id;
        do id = "sim-" + Guid.NewGuid().ToString("N")[..8]; while (_store.Exists(id));
        var now = _clock.GetUtcNow();
        _store.Save(new SimulatedJobRecord
        {
            Id = id,
            Emx2JobId = spec.Emx2JobId,
            LegacyName = legacyName,
            RawState = "PENDING",
            ExitCode = "0:0",
            Plan = plan,
            Root = spec.Directories.Root,
            Input = spec.Directories.Input,
            Output = spec.Directories.Output,
            Work = spec.Directories.Work,
            Args = spec.Args.ToList(),
            EnvironmentNames = spec.Environment.Keys.Order(StringComparer.Ordinal).ToList(),
            AllocTres = SimulatedUsage.AllocTres(spec.Resources),
            SubmittedAt = now,
        });
        _store.AppendSubmission(now, id, spec.Emx2JobId);
        _log.Info("submitted", ("job_id", spec.Emx2JobId), ("slurm_job_id", id), ("outcome", plan.Outcome), ("steps", plan.Steps));
        return id;
    }

    public async Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct)
    {
        var result = new Dictionary<string, SchedulerJobInfo>(StringComparer.Ordinal);
        if (schedulerJobIds.Count == 0) return result;
        using var _ = await StateDirectoryLock.AcquireAsync(_options.StateDirectory, _options.LockTimeout, ct).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        foreach (var id in schedulerJobIds.Distinct(StringComparer.Ordinal))
        {
            var job = _store.Load(id);
            if (job is null || PurgeIfExpired(job, now)) continue;
            if (!IsFinished(job))
            {
                job = Step(job, now);
                _store.Save(job);
            }
            result[id] = Describe(job, now);
        }
        return result;
    }

    public async Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct)
    {
        using var _ = await StateDirectoryLock.AcquireAsync(_options.StateDirectory, _options.LockTimeout, ct).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        return _store.LoadAll().Where(job => !PurgeIfExpired(job, now)).Select(job => Describe(job, now)).ToList();
    }

    public async Task CancelAsync(string schedulerJobId, CancellationToken ct)
    {
        using var _ = await StateDirectoryLock.AcquireAsync(_options.StateDirectory, _options.LockTimeout, ct).ConfigureAwait(false);
        var job = _store.Load(schedulerJobId);
        if (job is null || IsFinished(job)) return;
        var now = _clock.GetUtcNow();
        job = job with { RawState = $"CANCELLED by {_options.User}", EndedAt = now };
        SimulatedOutputs.WriteLogs(job, Banner(job) + $"cancelled at {Stamp(now)}\n", "");
        _store.Save(job);
        _log.Info("cancelled", ("job_id", job.Emx2JobId), ("slurm_job_id", job.Id));
    }

    /// <summary>One pass: PENDING → RUNNING (or straight to the end when Steps is 0), RUNNING → RUNNING until
    /// Steps passes have seen it, then the planned ending.</summary>
    private SimulatedJobRecord Step(SimulatedJobRecord job, DateTimeOffset now)
    {
        var steps = job.Plan.Steps;
        if (job.RunningPasses >= steps) return Finish(job with { StartedAt = job.StartedAt ?? now }, now);
        var pass = job.RunningPasses + 1;
        job = job with { RawState = "RUNNING", RunningPasses = pass, StartedAt = job.StartedAt ?? now };
        SimulatedOutputs.AppendProgress(job, (double)pass / (steps + 1), $"simulated step {pass} of {steps}");
        return job;
    }

    private static SimulatedJobRecord Finish(SimulatedJobRecord job, DateTimeOffset now)
    {
        var plan = job.Plan;
        var (state, exit, stderr) = plan.Outcome switch
        {
            SimulatedOutcome.Fail => ("FAILED", $"{plan.ExitCode}:0", $"simulated failure: exit code {plan.ExitCode}\n"),
            SimulatedOutcome.Timeout => ("TIMEOUT", "0:0", "slurmstepd: error: *** JOB CANCELLED DUE TO TIME LIMIT (simulated) ***\n"),
            _ => ("COMPLETED", "0:0", ""),
        };
        job = job with { RawState = state, ExitCode = exit, EndedAt = now };
        if (plan.Outcome == SimulatedOutcome.Complete) SimulatedOutputs.WriteResult(job);
        SimulatedOutputs.WriteLogs(job, Banner(job) + $"finished {state} at {Stamp(now)}\n", stderr);
        return job;
    }

    /// <summary>Reported exactly as a sacct row with our tags would be, so the Slurm state map and row handling
    /// are the ones exercised.</summary>
    private static SchedulerJobInfo Describe(SimulatedJobRecord job, DateTimeOffset now)
    {
        var row = new SlurmJobRow(job.Id, job.RawState, job.ExitCode, Reason: "None",
            Node: job.StartedAt is null ? null : "simulated", Elapsed: Elapsed(job, now),
            Comment: job.LegacyName ? null : JobTag.Comment(job.Emx2JobId),
            Name: job.LegacyName ? JobTag.LegacyJobName(job.Emx2JobId) : JobTag.JobName(job.Emx2JobId));
        return SlurmJobInfoFactory.Create(job.Id, SimulatedUsage.WithAccounting(row, job), SlurmStateSource.Accounting)!;
    }

    private bool PurgeIfExpired(SimulatedJobRecord job, DateTimeOffset now)
    {
        if (job.EndedAt is not { } ended || now - ended <= _options.Retention) return false;
        _store.Delete(job.Id);
        return true;
    }

    private static bool IsFinished(SimulatedJobRecord job) => job.EndedAt is not null;

    private static string Elapsed(SimulatedJobRecord job, DateTimeOffset now)
    {
        if (job.StartedAt is not { } started) return "00:00:00";
        var span = (job.EndedAt ?? now) - started;
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        var hms = span.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        return span.Days > 0 ? $"{span.Days}-{hms}" : hms;
    }

    private static string Banner(SimulatedJobRecord job) =>
        $"emx2-hpc simulated job {job.Id} for EMX2 job {job.Emx2JobId} (nothing was executed)\n"
        + $"submitted at {Stamp(job.SubmittedAt)}\n";

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
