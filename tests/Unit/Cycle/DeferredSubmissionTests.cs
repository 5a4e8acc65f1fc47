using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>A submission the scheduler defers (a drained partition) leaves the job CLAIMED and is retried in the
/// next cycle, without the settle time for lost answers and without failing the job.</summary>
public sealed class DeferredSubmissionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_deferred_submission_keeps_the_job_claimed_and_submits_it_next_cycle()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        h.Scripted.FailNextSubmit = new SubmissionDeferredException("sbatch refused for now (exit 1): Required partition not available (inactive or drain)");
        var id = await h.CreateJobAsync();

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Claimed, h.Job(id).Status);
        Assert.Equal(0, h.Scripted.SubmissionsFor(id));
        Assert.Equal(LocalPhase.Claimed, h.Store.ListJobs().Single(j => j.JobId == id).Phase);

        await h.RunCycleAsync(); // the very next cycle, no settle time

        Assert.Equal(JobStatus.Submitted, h.Job(id).Status);
        Assert.Equal(1, h.Scripted.SubmissionsFor(id));
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted], h.Statuses(id));
    }
}
