using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.State;

/// <summary>One legal change of a tracked job's phase. <see cref="From"/> null: the job is not tracked yet.</summary>
public sealed record LifecycleEdge(LocalPhase? From, LocalPhase To, string Why);

/// <summary>The local lifecycle of a tracked job: the legal phase changes as data, and the named transitions that
/// make them. This is the only code that sets <see cref="TrackedJob.Phase"/> (besides the store reading a row back);
/// <c>Cycle.JobAdvancer</c> writes the result, refusing any change this table does not list. A transition asked
/// of a job in a phase it cannot leave that way throws <see cref="InvalidOperationException"/> naming the job,
/// the phase it is in and the phase asked for.
/// Leaving tracking is not a phase: <c>Cycle.JobRetirement</c> removes the row from any phase (EMX2 acknowledged
/// the final report, or cancelled, failed, deleted or reassigned the job).</summary>
public static class JobLifecycle
{
    /// <summary>Every legal change, including the paths a restart after kill -9 takes (a Submitting job is found by
    /// its tag, or submitted again once the settle time has passed) and the ways in from outside (claim, adoption
    /// from EMX2, import from the Python daemon).</summary>
    public static readonly IReadOnlyList<LifecycleEdge> Edges =
    [
        new(null, LocalPhase.Claimed, "claimed from EMX2; or adopted or imported without a scheduler job"),
        new(null, LocalPhase.Submitted, "adopted from EMX2 or imported from the Python daemon with a scheduler job"),
        new(null, LocalPhase.Running, "adopted or imported while EMX2 says STARTED"),
        new(LocalPhase.Claimed, LocalPhase.Submitting, "inputs staged; the write-ahead mark before the scheduler is called"),
        new(LocalPhase.Claimed, LocalPhase.Finishing, "failed before submission: no profile, refused or missing input, a timeout"),
        new(LocalPhase.Submitting, LocalPhase.Submitting, "after a restart the scheduler has no trace of it past the settle time: submit again"),
        new(LocalPhase.Submitting, LocalPhase.Claimed, "the scheduler deferred the submission and created nothing"),
        new(LocalPhase.Submitting, LocalPhase.Submitted, "the scheduler answered with an id, or the job was found by its tag after a restart"),
        new(LocalPhase.Submitting, LocalPhase.Finishing, "the scheduler refused it, staging failed on a retry, or a timeout"),
        new(LocalPhase.Submitted, LocalPhase.Running, "the scheduler reports it running (or already ended: STARTED is reported first)"),
        new(LocalPhase.Submitted, LocalPhase.Finishing, "ended before it was seen running: cancelled, lost, a timeout"),
        new(LocalPhase.Running, LocalPhase.Running, "STARTED restated for a row whose EMX2 status still says SUBMITTED"),
        new(LocalPhase.Running, LocalPhase.Finishing, "ended: completed, failed, cancelled, lost, a timeout"),
        new(LocalPhase.Finishing, LocalPhase.Done, "results published (or given up on) and the final report queued"),
    ];

    private static readonly HashSet<(LocalPhase?, LocalPhase)> Legal = Edges.Select(e => (e.From, e.To)).ToHashSet();

    public static bool IsLegal(LocalPhase? from, LocalPhase to) => Legal.Contains((from, to));

    /// <summary>Throws unless <paramref name="from"/> → <paramref name="to"/> is an edge of <see cref="Edges"/>.</summary>
    public static void Require(string jobId, LocalPhase? from, LocalPhase to)
    {
        if (IsLegal(from, to)) return;
        var allowed = Edges.Where(e => e.From == from).Select(e => Name(e.To)).ToList();
        throw new InvalidOperationException(
            $"job {jobId}: illegal lifecycle change {Name(from)} -> {Name(to)}; from {Name(from)} a job may go to " +
            (allowed.Count == 0 ? "no other phase" : string.Join(", ", allowed)));
    }

    public static string Name(LocalPhase? phase) => phase?.ToString().ToLowerInvariant() ?? "untracked";

    // Ways in. The row describes the job as EMX2 handed it over; only its phase is set here.

    /// <summary>Claimed by this worker just now (poll or Receive-HpcJob).</summary>
    public static TrackedJob Claim(TrackedJob untracked) => Enter(untracked, LocalPhase.Claimed);

    /// <summary>EMX2 says the job is this worker's but no row tracks it (a crash between claim and write, or a lost state
    /// database). With no scheduler job and EMX2 at CLAIMED it is submitted by the next cycle; STARTED is Running;
    /// anything else is Submitted, with the scheduler id EMX2 or the scheduler knows (if none, only a timeout ends it).</summary>
    public static TrackedJob Adopt(TrackedJob untracked, string emx2Status, string? schedulerId) => Enter(untracked, emx2Status switch
    {
        JobStatus.Claimed when schedulerId is null => LocalPhase.Claimed,
        JobStatus.Started => LocalPhase.Running,
        _ => LocalPhase.Submitted,
    });

    /// <summary>A row of the Python daemon's tracker: without a scheduler job it is submitted by the next cycle
    /// (whatever EMX2 says); with one it is Running when EMX2 says STARTED, else Submitted.</summary>
    public static TrackedJob Import(TrackedJob untracked, string emx2Status, string? schedulerId) => Enter(untracked,
        schedulerId is null ? LocalPhase.Claimed : emx2Status == JobStatus.Started ? LocalPhase.Running : LocalPhase.Submitted);

    private static TrackedJob Enter(TrackedJob untracked, LocalPhase phase)
    {
        Require(untracked.JobId, null, phase);
        return untracked with { Phase = phase };
    }

    // Submission.

    /// <summary>The write-ahead mark: committed before the scheduler is called, so a restart looks for the job by its tag.</summary>
    public static TrackedJob BeginSubmit(TrackedJob job, DateTimeOffset now, string schedulerName) =>
        Move(job, LocalPhase.Submitting) with { SubmittingSinceUtc = now, SubmitAttempts = job.SubmitAttempts + 1, SchedulerName = schedulerName };

    /// <summary>The scheduler has the job under <paramref name="schedulerId"/>; EMX2 is told SUBMITTED.</summary>
    public static TrackedJob Submitted(TrackedJob job, string schedulerId, string schedulerName) =>
        Move(job, LocalPhase.Submitted) with
        {
            SchedulerJobId = schedulerId, SchedulerName = schedulerName, Emx2Status = JobStatus.Submitted, SubmittingSinceUtc = null,
        };

    /// <summary>The scheduler created nothing (it deferred the submission): the next cycle submits again at once.</summary>
    public static TrackedJob BackToClaimed(TrackedJob job) => Move(job, LocalPhase.Claimed) with { SubmittingSinceUtc = null };

    // Running and ending.

    /// <summary>The scheduler runs (or ran) it; EMX2 is told STARTED.</summary>
    public static TrackedJob Started(TrackedJob job) => Move(job, LocalPhase.Running) with { Emx2Status = JobStatus.Started };

    /// <summary>The outcome is decided (COMPLETED, FAILED or CANCELLED); results are collected next unless
    /// <paramref name="collectOutputs"/> is false (nothing ran, or nothing is to be waited for).</summary>
    public static TrackedJob Finish(TrackedJob job, string terminalStatus, string detail, bool collectOutputs) =>
        Move(job, LocalPhase.Finishing) with { TerminalStatus = terminalStatus, TerminalDetail = detail, CollectOutputs = collectOutputs };

    /// <summary>The final report (with <paramref name="finalStatus"/>, which collection may have turned to FAILED) is queued.</summary>
    public static TrackedJob Done(TrackedJob job, string finalStatus) =>
        Move(job, LocalPhase.Done) with { Emx2Status = finalStatus, TerminalStatus = finalStatus };

    private static TrackedJob Move(TrackedJob job, LocalPhase to)
    {
        Require(job.JobId, job.Phase, to);
        return job with { Phase = to };
    }
}
