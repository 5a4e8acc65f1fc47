using Emx2Hpc.Core.State;
using Xunit;

namespace Emx2Hpc.Tests.Unit.State;

/// <summary>The legal phase changes of a tracked job, checked over every pair of phases (and "not tracked yet").
/// The expected table is written out here, independently of <see cref="JobLifecycle.Edges"/>, so a change to the
/// lifecycle has to change this test too.</summary>
public sealed class JobLifecycleTests
{
    private static readonly HashSet<(LocalPhase?, LocalPhase)> Expected =
    [
        (null, LocalPhase.Claimed), (null, LocalPhase.Submitted), (null, LocalPhase.Running),
        (LocalPhase.Claimed, LocalPhase.Submitting), (LocalPhase.Claimed, LocalPhase.Finishing),
        (LocalPhase.Submitting, LocalPhase.Submitting), (LocalPhase.Submitting, LocalPhase.Claimed),
        (LocalPhase.Submitting, LocalPhase.Submitted), (LocalPhase.Submitting, LocalPhase.Finishing),
        (LocalPhase.Submitted, LocalPhase.Running), (LocalPhase.Submitted, LocalPhase.Finishing),
        (LocalPhase.Running, LocalPhase.Running), (LocalPhase.Running, LocalPhase.Finishing),
        (LocalPhase.Finishing, LocalPhase.Done),
    ];

    public static TheoryData<LocalPhase?, LocalPhase> AllPairs()
    {
        var data = new TheoryData<LocalPhase?, LocalPhase>();
        foreach (var from in new LocalPhase?[] { null }.Concat(Enum.GetValues<LocalPhase>().Select(p => (LocalPhase?)p)))
            foreach (var to in Enum.GetValues<LocalPhase>())
                data.Add(from, to);
        return data;
    }

    private static TrackedJob Job(LocalPhase phase) => new() { JobId = "job-1", Phase = phase, Emx2Status = "CLAIMED", SchedulerJobId = "7" };

    [Fact]
    public void The_edge_table_is_exactly_the_expected_one()
    {
        Assert.Equal(Expected.OrderBy(e => e.ToString()), JobLifecycle.Edges.Select(e => (e.From, e.To)).OrderBy(e => e.ToString()));
        Assert.All(JobLifecycle.Edges, e => Assert.False(string.IsNullOrWhiteSpace(e.Why)));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_pair_is_allowed_or_refused_by_name(LocalPhase? from, LocalPhase to)
    {
        Assert.Equal(Expected.Contains((from, to)), JobLifecycle.IsLegal(from, to));
        if (Expected.Contains((from, to)))
        {
            JobLifecycle.Require("job-1", from, to);
            return;
        }
        var ex = Assert.Throws<InvalidOperationException>(() => JobLifecycle.Require("job-1", from, to));
        Assert.Contains("job job-1", ex.Message);
        Assert.Contains($"{JobLifecycle.Name(from)} -> {JobLifecycle.Name(to)}", ex.Message);
    }

    [Fact]
    public void A_refusal_says_where_the_job_may_go_instead()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => JobLifecycle.Require("j", LocalPhase.Claimed, LocalPhase.Running));
        Assert.Equal("job j: illegal lifecycle change claimed -> running; from claimed a job may go to submitting, finishing", ex.Message);
        ex = Assert.Throws<InvalidOperationException>(() => JobLifecycle.Require("j", LocalPhase.Done, LocalPhase.Claimed));
        Assert.EndsWith("from done a job may go to no other phase", ex.Message);
        ex = Assert.Throws<InvalidOperationException>(() => JobLifecycle.Require("j", null, LocalPhase.Done));
        Assert.StartsWith("job j: illegal lifecycle change untracked -> done", ex.Message);
    }

    /// <summary>Each named transition, tried from every phase: it moves exactly along its edges and refuses the rest.</summary>
    public static TheoryData<string, LocalPhase> TransitionsFromEveryPhase()
    {
        var data = new TheoryData<string, LocalPhase>();
        foreach (var name in Transitions.Keys)
            foreach (var from in Enum.GetValues<LocalPhase>())
                data.Add(name, from);
        return data;
    }

    private static readonly Dictionary<string, (Func<TrackedJob, TrackedJob> Apply, LocalPhase To)> Transitions = new()
    {
        ["BeginSubmit"] = (j => JobLifecycle.BeginSubmit(j, DateTimeOffset.UnixEpoch, "slurm"), LocalPhase.Submitting),
        ["Submitted"] = (j => JobLifecycle.Submitted(j, "42", "slurm"), LocalPhase.Submitted),
        ["BackToClaimed"] = (JobLifecycle.BackToClaimed, LocalPhase.Claimed),
        ["Started"] = (JobLifecycle.Started, LocalPhase.Running),
        ["Finish"] = (j => JobLifecycle.Finish(j, "FAILED", "why", collectOutputs: false), LocalPhase.Finishing),
        ["Done"] = (j => JobLifecycle.Done(j, "COMPLETED"), LocalPhase.Done),
    };

    [Theory]
    [MemberData(nameof(TransitionsFromEveryPhase))]
    public void Named_transitions_follow_the_edges(string name, LocalPhase from)
    {
        var (apply, to) = Transitions[name];
        if (Expected.Contains((from, to)))
        {
            Assert.Equal(to, apply(Job(from)).Phase);
            return;
        }
        var ex = Assert.Throws<InvalidOperationException>(() => apply(Job(from)));
        Assert.Contains($"job job-1: illegal lifecycle change {JobLifecycle.Name(from)} -> {JobLifecycle.Name(to)}", ex.Message);
    }

    [Fact]
    public void Submission_transitions_keep_the_write_ahead_bookkeeping()
    {
        var since = DateTimeOffset.Parse("2026-12-06T10:00:00Z");
        var submitting = JobLifecycle.BeginSubmit(Job(LocalPhase.Claimed) with { SubmitAttempts = 1 }, since, "slurm");
        Assert.Equal((2, since, "slurm"), (submitting.SubmitAttempts, submitting.SubmittingSinceUtc, submitting.SchedulerName));

        var again = JobLifecycle.BeginSubmit(submitting, since.AddMinutes(1), "slurm");
        Assert.Equal((3, since.AddMinutes(1)), (again.SubmitAttempts, again.SubmittingSinceUtc));

        var deferred = JobLifecycle.BackToClaimed(submitting);
        Assert.Equal((LocalPhase.Claimed, null, 2), (deferred.Phase, deferred.SubmittingSinceUtc, deferred.SubmitAttempts));

        var submitted = JobLifecycle.Submitted(submitting, "42", "slurm");
        Assert.Equal(("42", "SUBMITTED", null), (submitted.SchedulerJobId, submitted.Emx2Status, submitted.SubmittingSinceUtc));
    }

    [Fact]
    public void Ending_transitions_record_the_outcome()
    {
        var running = JobLifecycle.Started(Job(LocalPhase.Submitted));
        Assert.Equal("STARTED", running.Emx2Status);

        var finishing = JobLifecycle.Finish(running, "COMPLETED", "slurm_state=COMPLETED", collectOutputs: true);
        Assert.Equal(("COMPLETED", "slurm_state=COMPLETED", true, "STARTED"),
            (finishing.TerminalStatus, finishing.TerminalDetail, finishing.CollectOutputs, finishing.Emx2Status));

        var done = JobLifecycle.Done(finishing, "FAILED");
        Assert.Equal(("FAILED", "FAILED", "slurm_state=COMPLETED"), (done.Emx2Status, done.TerminalStatus, done.TerminalDetail));
    }

    [Theory]
    [InlineData("CLAIMED", null, LocalPhase.Claimed, LocalPhase.Claimed)]
    [InlineData("CLAIMED", "42", LocalPhase.Submitted, LocalPhase.Submitted)]
    [InlineData("SUBMITTED", "42", LocalPhase.Submitted, LocalPhase.Submitted)]
    [InlineData("STARTED", "42", LocalPhase.Running, LocalPhase.Running)]
    // Where the two ways in differ: adoption trusts EMX2's SUBMITTED/STARTED even without a scheduler id (only a
    // timeout ends such a job); the Python import submits a job without one again.
    [InlineData("SUBMITTED", null, LocalPhase.Submitted, LocalPhase.Claimed)]
    [InlineData("STARTED", null, LocalPhase.Running, LocalPhase.Claimed)]
    public void Ways_in_pick_the_phase_from_EMX2_and_the_scheduler(string emx2Status, string? schedulerId, LocalPhase adopted, LocalPhase imported)
    {
        var untracked = new TrackedJob { JobId = "job-1", Emx2Status = emx2Status };
        Assert.Equal(adopted, JobLifecycle.Adopt(untracked, emx2Status, schedulerId).Phase);
        Assert.Equal(imported, JobLifecycle.Import(untracked, emx2Status, schedulerId).Phase);
        Assert.Equal(LocalPhase.Claimed, JobLifecycle.Claim(untracked).Phase);
    }
}
