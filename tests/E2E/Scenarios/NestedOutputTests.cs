using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 8: nested output paths keep their directories in the artifact.</summary>
public sealed class NestedOutputTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Nested_output_paths_are_preserved() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("nested");

        job = await RunToEndAsync(job.Id, JobStatus.Completed);

        var files = FilesOf(job.OutputArtifactId!);
        Assert.Equal(["results/a/b/c.txt", "results/x/y.txt", "top.txt"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("deep\n", await Env.DownloadTextAsync(job.OutputArtifactId!, "results/a/b/c.txt"));
        Assert.Equal("shallow\n", await Env.DownloadTextAsync(job.OutputArtifactId!, "results/x/y.txt"));
        Assert.Equal("top\n", await Env.DownloadTextAsync(job.OutputArtifactId!, "top.txt"));
        await AssertAccountedAsync(job.Id, "COMPLETED");
    });
}
