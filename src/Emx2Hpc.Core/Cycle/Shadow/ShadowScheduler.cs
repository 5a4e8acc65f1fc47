using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Cycle.Shadow;

/// <summary>The scheduler port of a shadow cycle: status queries and tag listings go to the real scheduler; submit and
/// cancel are recorded and not run. A held-back submission gets a placeholder id that later queries in the same
/// cycle see as queued, as a fresh job would be.</summary>
public sealed class ShadowScheduler(IScheduler inner, ShadowPlan plan) : IScheduler
{
    public const string PlaceholderPrefix = "shadow-";
    private int _next;

    public string Name => inner.Name;

    public Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct)
    {
        var id = PlaceholderPrefix + Interlocked.Increment(ref _next);
        var r = spec.Resources;
        plan.Add(PlannedActionKind.Submit, spec.Emx2JobId,
            $"submit job {spec.Emx2JobId} to {inner.Name} ({spec.Execution.Mode.ToString().ToLowerInvariant()} mode, partition {r.Partition ?? "default"}, " +
            $"{r.Cpus} cpu, {r.Memory}, {r.Time}) from {spec.Directories.Root}");
        return Task.FromResult(id);
    }

    public async Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct)
    {
        var real = schedulerJobIds.Where(id => !id.StartsWith(PlaceholderPrefix, StringComparison.Ordinal)).ToList();
        var result = new Dictionary<string, SchedulerJobInfo>(real.Count == 0 ? new Dictionary<string, SchedulerJobInfo>() : await inner.QueryAsync(real, ct), StringComparer.Ordinal);
        foreach (var id in schedulerJobIds.Except(real))
            result[id] = new SchedulerJobInfo { SchedulerJobId = id, RawState = "PENDING", State = SchedulerState.Queued };
        return result;
    }

    public Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct) => inner.ListTaggedAsync(ct);

    public Task CancelAsync(string schedulerJobId, CancellationToken ct)
    {
        plan.Add(PlannedActionKind.CancelScheduled, null, $"cancel {inner.Name} job {schedulerJobId}");
        return Task.CompletedTask;
    }
}
