using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>Matching the Python daemon's short job names ("emx2-" + 8 characters) to the EMX2 jobs this worker holds.</summary>
public sealed class LegacyJobMatcherTests
{
    private const string A = "1a2b3c4d-0000-4000-8000-000000000001";
    private const string B = "1a2b3c4d-0000-4000-8000-000000000002"; // same 8-character prefix as A
    private const string C = "9f9f9f9f-0000-4000-8000-000000000003";

    private static JobDto Job(string id, string? slurmId = null) => new() { Id = id, Status = "CLAIMED", SlurmJobId = slurmId };

    private static SchedulerJobInfo Legacy(string slurmId, string emx2Id, string state = "RUNNING") =>
        SlurmJobInfoFactory.Create(slurmId, [new SlurmJobRow(slurmId, state, null, null, null, null, null, JobTag.LegacyJobName(emx2Id))],
            SlurmStateSource.Live)!;

    [Theory]
    [InlineData("emx2-1a2b3c4d", "1a2b3c4d")]
    [InlineData("emx2-1A2B3C4D", "1a2b3c4d")]
    [InlineData("emx2-1a2b3c4", null)]
    [InlineData("emx2-1a2b3c4dx", null)]
    [InlineData("emx2-zzzzzzzz", null)]
    [InlineData("job-1a2b3c4d", null)]
    [InlineData("emx2-" + A, null)]
    public void Only_exact_Python_daemon_names_yield_a_prefix(string name, string? prefix)
    {
        Assert.Equal(prefix, JobTag.TryParseLegacyName(name));
        Assert.Equal(prefix, new SlurmJobRow("1", "RUNNING", null, null, null, null, null, name).LegacyIdPrefix);
    }

    [Fact]
    public void A_unique_prefix_matches()
    {
        var found = LegacyJobMatcher.Find(Job(A), [Job(A), Job(C)], [Legacy("77", A), Legacy("78", C)]);
        Assert.Equal(("77", (string?)null), (found.Job?.SchedulerJobId, found.Ambiguity));
    }

    [Fact]
    public void EMX2s_slurm_job_id_decides_between_jobs_with_the_same_prefix()
    {
        var tagged = new[] { Legacy("77", A), Legacy("78", B) };
        Assert.Equal("78", LegacyJobMatcher.Find(Job(B, "78"), [Job(A), Job(B, "78")], tagged).Job?.SchedulerJobId);
        // The other held job named 78 as its own, so 77 is the only candidate for A.
        Assert.Equal("77", LegacyJobMatcher.Find(Job(A), [Job(A), Job(B, "78")], tagged).Job?.SchedulerJobId);
        // A recorded id that is not among the short-named jobs matches nothing (no guessing).
        Assert.Null(LegacyJobMatcher.Find(Job(A, "99"), [Job(A, "99")], tagged).Job);
    }

    [Fact]
    public void Two_held_jobs_without_scheduler_ids_sharing_a_prefix_are_ambiguous()
    {
        var found = LegacyJobMatcher.Find(Job(A), [Job(A), Job(B)], [Legacy("77", A)]);
        Assert.Null(found.Job);
        Assert.Contains(B, found.Ambiguity);
    }

    [Fact]
    public void The_live_attempt_wins_over_an_ended_one_and_two_live_ones_are_ambiguous()
    {
        Assert.Equal("78", LegacyJobMatcher.Find(Job(A), [Job(A)], [Legacy("77", A, "FAILED"), Legacy("78", A)]).Job?.SchedulerJobId);
        var two = LegacyJobMatcher.Find(Job(A), [Job(A)], [Legacy("77", A), Legacy("78", A, "PENDING")]);
        Assert.Null(two.Job);
        Assert.Contains("77, 78", two.Ambiguity);
    }

    [Fact]
    public void Our_own_full_tags_are_not_legacy()
    {
        var own = SlurmJobInfoFactory.Create("5", [new SlurmJobRow("5", "RUNNING", null, null, null, null, JobTag.Comment(A), JobTag.JobName(A))], SlurmStateSource.Live)!;
        Assert.Null(own.LegacyIdPrefix);
        Assert.Equal(A, own.Emx2JobId);
        Assert.Same(LegacyJobMatcher.Result.None, LegacyJobMatcher.Find(Job(A), [Job(A)], [own]));
    }
}
