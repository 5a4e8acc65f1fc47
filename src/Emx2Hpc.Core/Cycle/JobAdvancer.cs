using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>The one writer of tracked job rows. A row and the report it implies land in one SQLite transaction
/// or not at all, so a kill -9 never leaves a phase EMX2 will not hear about, nor a report for a phase that was
/// never written. A phase change must be an edge of <see cref="JobLifecycle.Edges"/>; a write that keeps the
/// phase (progress offset, grace period, notable scheduler state) is not a change and always allowed.</summary>
internal sealed class JobAdvancer(StateStore store)
{
    /// <summary>Writes <paramref name="next"/> (the job after a transition of <paramref name="job"/>, or a new row when
    /// <paramref name="job"/> is null) and queues <paramref name="report"/> with it. The report that takes a job to
    /// Done is its /complete; every other one is a /transition. <paramref name="alongside"/> adds writes that must
    /// share the transaction (the audit event of the side effect, counters, usage).</summary>
    public TrackedJob Advance(TrackedJob? job, TrackedJob next, TransitionRequest? report = null, Action<StateTransaction>? alongside = null)
    {
        if (job is not null && !string.Equals(job.JobId, next.JobId, StringComparison.Ordinal))
            throw new InvalidOperationException($"job {job.JobId} cannot be advanced with the row of job {next.JobId}");
        if (job?.Phase != next.Phase) JobLifecycle.Require(next.JobId, job?.Phase, next.Phase);
        var kind = next.Phase == LocalPhase.Done && job?.Phase != LocalPhase.Done ? ReportKind.Complete : ReportKind.Transition;
        store.InTransaction(tx =>
        {
            tx.Upsert(next);
            if (report is not null) Reports.Enqueue(tx, next.JobId, kind, report);
            alongside?.Invoke(tx);
        });
        return next;
    }

    /// <summary>A write with nothing to report (the claim, the write-ahead mark, a deferred submission, bookkeeping).</summary>
    public TrackedJob Advance(TrackedJob? job, TrackedJob next, Action<StateTransaction> alongside) => Advance(job, next, null, alongside);
}
