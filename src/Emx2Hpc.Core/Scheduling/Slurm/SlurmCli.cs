using System.Globalization;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Scheduling.Processes;

namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary><see cref="IScheduler"/> over the Slurm command-line tools.
///
/// Status strategy, decided from Slurm 22.05's real behaviour: one <c>squeue -u &lt;user&gt;</c> per pass, filtered
/// to the requested ids, rather than <c>squeue -j a,b,c</c>. With -j, squeue exits 1 ("Invalid job id
/// specified") when the list is a single id the controller has purged, but exits 0 for a list of several such
/// ids, so a failure exit would be ambiguous; and -j does not show finished jobs anyway (they are filtered by the
/// default state list exactly as with -u). Then one <c>sacct -j</c> for every requested id squeue no longer
/// shows, which also reads each finished job's usage accounting (<see cref="SacctUsage"/>). squeue/sacct failures are <see cref="SchedulerUnavailableException"/>, never "absent".</summary>
public sealed class SlurmCli : IScheduler
{
    private readonly IProcessRunner _runner;
    private readonly SlurmCliOptions _options;
    private readonly HpcLog _log;

    public SlurmCli(IProcessRunner runner, SlurmCliOptions? options = null, HpcLog? log = null)
    {
        _runner = runner;
        _options = options ?? new SlurmCliOptions();
        _log = (log ?? HpcLog.Null).For("slurm");
    }

    public string Name => "slurm";

    /// <summary>A killed sbatch child may still be talking to slurmctld until its own timeout has passed.</summary>
    public TimeSpan SubmitSettleTime => _options.CommandTimeout + TimeSpan.FromSeconds(15);

    public async Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct)
    {
        var script = BatchScriptBuilder.Build(spec);
        spec.Directories.Create();
        BatchScriptFile.Write(spec.Directories, script);

        var result = await RunAsync(_options.Sbatch, ["--parsable", spec.Directories.ScriptPath], ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var stderr = SlurmErrors.OneLine(result.Stderr);
            if (SlurmErrors.IsUnreachable(result.Stderr))
                throw new SchedulerUnavailableException($"sbatch could not reach Slurm (exit {result.ExitCode}): {stderr}");
            if (SlurmErrors.IsDeferredByAdmin(result.Stderr))
                throw new SubmissionDeferredException($"sbatch refused for now (exit {result.ExitCode}): {stderr}");
            throw new SchedulerException($"sbatch failed (exit {result.ExitCode}): {stderr}");
        }
        // Exit 0 with output we cannot read means the job probably exists: say "unavailable" so the caller looks
        // for it by tag instead of treating it as refused and submitting again.
        var id = SbatchOutput.ParseJobId(result.Stdout)
            ?? throw new SchedulerUnavailableException(
                $"unexpected sbatch output: stdout '{SlurmErrors.OneLine(result.Stdout)}', stderr '{SlurmErrors.OneLine(result.Stderr)}'");
        _log.Info("submitted", ("job_id", spec.Emx2JobId), ("slurm_job_id", id));
        return id;
    }

    public async Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct)
    {
        var wanted = schedulerJobIds.Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToList();
        foreach (var bad in wanted.Where(i => !SlurmJobId.IsQueryable(i)))
            _log.Warn("not a Slurm job id; reported absent", ("slurm_job_id", bad));
        wanted.RemoveAll(i => !SlurmJobId.IsQueryable(i));
        var result = new Dictionary<string, SchedulerJobInfo>(StringComparer.Ordinal);
        if (wanted.Count == 0) return result;

        var live = await SqueueAsync(ct).ConfigureAwait(false);
        var fromSqueue = wanted.ToDictionary(id => id,
            id => SlurmJobInfoFactory.Create(id, live.Where(r => r.Id.BelongsTo(id)), SlurmStateSource.Live), StringComparer.Ordinal);
        var notInProgress = wanted.Where(id => !InProgress(fromSqueue[id])).ToList();
        var accounting = notInProgress.Count > 0 && _options.UseAccounting
            ? await SacctWithUsageAsync(string.Join(',', notInProgress), ct).ConfigureAwait(false)
            : [];
        foreach (var id in wanted)
        {
            var fromSacct = SlurmJobInfoFactory.Create(id, accounting.Where(r => r.Id.BelongsTo(id)), SlurmStateSource.Accounting);
            if (Verdict(fromSqueue[id], fromSacct) is { } info) result[id] = info;
        }
        return result;
    }

    public async Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct)
    {
        // Every state: a job that ended moments ago has left the default squeue listing and, while slurmdbd lags
        // behind the controller, is not in sacct yet either. Recovery and takeover would take it for one that was
        // never submitted and submit it again; squeue keeps it (MinJobAge) until accounting has it.
        var live = (await SqueueAsync(ct, allStates: true).ConfigureAwait(false)).Where(IsTagged).ToList();
        var since = "now-" + ((long)_options.AccountingLookback.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var accounting = _options.UseAccounting
            ? (await SacctAsync(["-u", _options.User, "-S", since], ct).ConfigureAwait(false))
                .Where(IsTagged).ToList()
            : [];

        var jobs = new List<SchedulerJobInfo>();
        foreach (var id in live.Concat(accounting).Select(r => r.Id.BaseId).Distinct(StringComparer.Ordinal))
        {
            var fromSqueue = SlurmJobInfoFactory.Create(id, live.Where(r => r.Id.BaseId == id), SlurmStateSource.Live);
            var fromSacct = SlurmJobInfoFactory.Create(id, accounting.Where(r => r.Id.BaseId == id), SlurmStateSource.Accounting);
            if (Verdict(fromSqueue, fromSacct) is { } info) jobs.Add(info);
        }
        return jobs;
    }

    public async Task CancelAsync(string schedulerJobId, CancellationToken ct)
    {
        var id = schedulerJobId.Trim();
        if (!SlurmJobId.IsQueryable(id)) throw new SchedulerException($"'{id}' is not a Slurm job id");
        var result = await RunAsync(_options.Scancel, [id], ct).ConfigureAwait(false);
        if (result.ExitCode == 0 || SlurmErrors.IsAlreadyGone(result.Stderr))
        {
            _log.Info("cancel requested", ("slurm_job_id", id), ("exit_code", result.ExitCode));
            return;
        }
        var stderr = SlurmErrors.OneLine(result.Stderr);
        if (SlurmErrors.IsUnreachable(result.Stderr))
            throw new SchedulerUnavailableException($"scancel could not reach Slurm (exit {result.ExitCode}): {stderr}");
        throw new SchedulerException($"scancel {id} failed (exit {result.ExitCode}): {stderr}");
    }

    /// <summary>Ours, or the Python emx2-hpc-daemon's (its short job names), so a takeover can adopt its jobs.</summary>
    private static bool IsTagged(SlurmJobRow row) => !row.Id.IsStep && (row.Emx2JobId is not null || row.LegacyIdPrefix is not null);

    private static bool InProgress(SchedulerJobInfo? info) => info is not null && !SlurmStateMap.IsTerminal(info.State);

    /// <summary>squeue speaks for jobs still in progress; for finished ones sacct has the final word (squeue prints
    /// no exit code), and squeue's terminal row is the fallback while accounting has not caught up.</summary>
    private static SchedulerJobInfo? Verdict(SchedulerJobInfo? fromSqueue, SchedulerJobInfo? fromSacct) =>
        InProgress(fromSqueue) ? fromSqueue : fromSacct ?? fromSqueue;

    private async Task<IReadOnlyList<SlurmJobRow>> SqueueAsync(CancellationToken ct, bool allStates = false)
    {
        List<string> args = ["-h", "-u", _options.User, "-o", SqueueParser.Format];
        // Without accounting, squeue is the only witness of how a job ended (until MinJobAge purges it).
        if (allStates || !_options.UseAccounting) args.AddRange(["-t", "all"]);
        var result = await RunAsync(_options.Squeue, args, ct).ConfigureAwait(false);
        return ParseOrThrow("squeue", result, SqueueParser.Parse);
    }

    private async Task<IReadOnlyList<SlurmJobRow>> SacctAsync(IEnumerable<string> selection, CancellationToken ct)
    {
        List<string> args = ["-X", "-P", "-n", "-o", SacctParser.Fields, .. selection];
        var result = await RunAsync(_options.Sacct, args, ct).ConfigureAwait(false);
        return ParseOrThrow("sacct", result, SacctParser.Parse);
    }

    /// <summary>The monitor's sacct call: status and usage accounting in one, without -X because MaxRSS is only on
    /// the step rows (which the state logic ignores).</summary>
    private async Task<IReadOnlyList<SlurmJobRow>> SacctWithUsageAsync(string ids, CancellationToken ct)
    {
        var result = await RunAsync(_options.Sacct, ["-P", "-n", "-o", SacctParser.UsageFields, "-j", ids], ct).ConfigureAwait(false);
        return ParseOrThrow("sacct", result, SacctParser.ParseWithUsage);
    }

    private static IReadOnlyList<SlurmJobRow> ParseOrThrow(string command, ProcessResult result, Func<string, IReadOnlyList<SlurmJobRow>> parse)
    {
        if (result.ExitCode != 0 || SlurmErrors.ReportsError(result.Stderr))
        {
            var hint = command == "sacct" && result.Stderr.Contains("accounting storage is disabled", StringComparison.OrdinalIgnoreCase)
                ? " (this cluster has no accounting: set slurm.use_accounting: false in the configuration; SlurmCliOptions.UseAccounting in code)" : "";
            throw new SchedulerUnavailableException(
                $"{command} failed (exit {result.ExitCode}): {SlurmErrors.OneLine(result.Stderr)}{hint}");
        }
        try
        {
            return parse(result.Stdout);
        }
        catch (FormatException ex)
        {
            throw new SchedulerUnavailableException($"{command} printed output we cannot read: {ex.Message}", ex);
        }
    }

    private Task<ProcessResult> RunAsync(string command, IReadOnlyList<string> args, CancellationToken ct) =>
        _runner.RunAsync(new ProcessCommand(command, args, _options.CommandTimeout), ct);
}
