using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 7, progress part: .hpc_progress.jsonl lines become STARTED→STARTED transitions while the job
/// runs; a half-written line is skipped; the last line is relayed before the job's final status.</summary>
public sealed class ProgressTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Progress_lines_become_started_transitions_while_the_job_runs() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("progress");

        job = await RunToEndAsync(job.Id, JobStatus.Completed);

        var transitions = Env.Transitions(job.Id);
        var progress = transitions.Where(t => t.FromStatus == JobStatus.Started && t.ToStatus == JobStatus.Started).ToList();
        Assert.True(progress.Count >= 2, $"expected progress relayed while running and at the end; {Daemon.Describe(job.Id)}");
        Assert.All(progress, t => Assert.Contains(t.Phase, new[] { "load", "compute", "write" })); // never the half line "compu…"
        Assert.Equal(progress.Select(t => t.Progress).Order(), progress.Select(t => t.Progress));
        Assert.Equal(("write", "writing results", 1.0), (progress[^1].Phase, progress[^1].Message, progress[^1].Progress));
        Assert.Equal(JobStatus.Completed, transitions[^1].ToStatus);
        Assert.Equal(("write", 1.0), (job.Phase, job.Progress));
        await AssertAccountedAsync(job.Id, "COMPLETED");
    });
}
