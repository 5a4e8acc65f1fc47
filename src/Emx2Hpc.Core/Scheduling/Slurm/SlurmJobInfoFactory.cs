namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Builds one <see cref="SchedulerJobInfo"/> from the rows that belong to one requested id. Normally
/// that is a single row; for an array job (or a heterogeneous job) it is one row per task or component, and the
/// job as a whole is as far along as its least finished part: any part queued or running keeps the whole job
/// alive (Running wins over Queued), and once all parts are final the first failure, else the first
/// cancellation, else completion decides. Step rows ("123.batch") count only for usage (MaxRSS). Rows with the same job id are
/// attempts of one requeued job (sacct -D lists them oldest first, e.g. NODE_FAIL on the node that died, then
/// COMPLETED on another): only the last attempt is the job's state, an earlier one must never fail it.</summary>
public static class SlurmJobInfoFactory
{
    public static SchedulerJobInfo? Create(string schedulerJobId, IEnumerable<SlurmJobRow> rows, SlurmStateSource source)
    {
        var all = rows.ToList();
        var jobRows = all.Where(r => !r.Id.IsStep).ToList();
        var observed = jobRows.Where((r, i) => jobRows.FindLastIndex(o => o.JobId == r.JobId) == i)
            .Select(r => (Row: r, Map: SlurmStateMap.Map(r.State, r.ExitCode, source)))
            .ToList();
        if (observed.Count == 0) return null;

        var chosen = Pick(observed, SchedulerState.Running) ?? Pick(observed, SchedulerState.Queued)
            ?? Pick(observed, SchedulerState.Failed) ?? Pick(observed, SchedulerState.Cancelled) ?? observed[0];
        var (row, map) = chosen;
        return new SchedulerJobInfo
        {
            SchedulerJobId = schedulerJobId,
            Emx2JobId = observed.Select(o => o.Row.Emx2JobId).FirstOrDefault(id => id is not null),
            LegacyIdPrefix = observed.Select(o => o.Row.LegacyIdPrefix).FirstOrDefault(p => p is not null),
            RawState = row.State,
            State = map.State,
            Notable = observed.Any(o => o.Map.Notable),
            ExitCode = row.ExitCode,
            Reason = row.Reason,
            Node = row.Node,
            Elapsed = row.Elapsed,
            CancelledBy = map.CancelledBy,
            FailureCode = map.FailureCode,
            Usage = source == SlurmStateSource.Accounting && SlurmStateMap.IsTerminal(map.State) ? UsageOf(observed.Select(o => o.Row), all) : null,
        };
    }

    /// <summary>The finished job's usage: its allocation rows (the last attempt of each part) with their steps, summed.</summary>
    private static Usage.JobUsage? UsageOf(IEnumerable<SlurmJobRow> parts, List<SlurmJobRow> all)
    {
        Usage.JobUsage? total = null;
        foreach (var part in parts)
            if (SacctUsage.Of(part, all) is { } usage) total = total is null ? usage : total.Plus(usage);
        return total;
    }

    private static (SlurmJobRow Row, SlurmStateMapping Map)? Pick(List<(SlurmJobRow Row, SlurmStateMapping Map)> observed, SchedulerState state)
    {
        foreach (var o in observed)
            if (o.Map.State == state) return o;
        return null;
    }
}
