using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Cycle;

/// <summary>The scheduler's tagged jobs, listed at most once per cycle and only when a step needs them
/// (recovery after a crash); a normal cycle never pays for the listing.</summary>
internal sealed class TaggedJobs(IScheduler scheduler)
{
    private IReadOnlyList<SchedulerJobInfo>? _all;

    /// <summary>Called at the start of every cycle: a listing from an earlier cycle of a long-running process
    /// would not show jobs submitted since.</summary>
    public void Forget() => _all = null;

    public async Task<IReadOnlyList<SchedulerJobInfo>> AllAsync(CancellationToken ct) =>
        _all ??= await scheduler.ListTaggedAsync(ct);

    public async Task<IReadOnlyList<SchedulerJobInfo>> ForJobAsync(string emx2JobId, CancellationToken ct) =>
        (await AllAsync(ct)).Where(t => t.Emx2JobId == emx2JobId).ToList();
}
