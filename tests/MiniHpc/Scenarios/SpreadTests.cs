using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.MiniHpc.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Scenarios;

/// <summary>A dozen jobs on three one-CPU nodes: they queue, spread, and all come back with their artifacts.</summary>
public sealed class SpreadTests(MiniHpcEnvironment env, ITestOutputHelper output) : MiniHpcTest(env, output)
{
    [MiniHpcFact]
    public Task Twelve_jobs_spread_over_the_nodes_all_complete_with_their_artifacts() => ScenarioAsync(async () =>
    {
        var jobs = new List<string>();
        for (var i = 0; i < 12; i++) jobs.Add((await Env.CreateJobAsync("work")).Id);

        var capturedQueue = false;
        await Worker.DriveUntilAsync(async () =>
        {
            // Once: the moment some run and some wait (three CPUs for twelve jobs).
            if (!capturedQueue && jobs.Count(j => Env.Job(j).SlurmJobId is not null) == jobs.Count)
            {
                Worker.Note(await Cluster.CaptureAsync("spread-1-queued", jobs.Select(SlurmIdOf).ToList()));
                capturedQueue = true;
            }
            return jobs.All(j => JobStatus.IsTerminal(Env.Job(j).Status));
        }, TimeSpan.FromMinutes(4), "all twelve jobs to finish");
        Worker.Note(await Cluster.CaptureAsync("spread-2-final", jobs.Select(SlurmIdOf).ToList()));

        var nodes = new Dictionary<string, string>();
        foreach (var id in jobs)
        {
            var rows = await AssertInvariantsAsync(id, JobStatus.Completed);
            var job = Env.Job(id);
            Assert.NotNull(job.OutputArtifactId);
            Assert.Equal(ArtifactStatus.Committed, Env.Artifact(job.OutputArtifactId!).Status);
            var node = (await Env.DownloadTextAsync(job.OutputArtifactId!, "node.txt")).Trim();
            Assert.Equal(rows[^1].Node, node); // the job ran where Slurm says it did
            Assert.Equal(MiniHpcEnvironment.ServiceUser, (await Env.DownloadTextAsync(job.OutputArtifactId!, "user.txt")).Trim());
            Assert.NotNull(job.LogArtifactId);
            Assert.Contains($"mh_work: job {id} done on {node}", await Env.DownloadTextAsync(job.LogArtifactId!, $"slurm-{job.SlurmJobId}.out"));
            nodes[id] = node;
        }
        var used = nodes.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Worker.Note($"nodes used: {string.Join(", ", nodes.Values.GroupBy(n => n).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))}");
        Assert.True(used.Count >= 2, $"all twelve jobs ran on {string.Join(", ", used)}");
    });
}
