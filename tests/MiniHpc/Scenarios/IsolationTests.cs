using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.MiniHpc.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Scenarios;

/// <summary>Jobs run as the worker's directory user, not root: another directory user's private files (home 0700,
/// file 0600 on the shared filesystem) stay unreadable to them.</summary>
public sealed class IsolationTests(MiniHpcEnvironment env, ITestOutputHelper output) : MiniHpcTest(env, output)
{
    [MiniHpcFact]
    public Task A_job_of_the_service_user_cannot_read_the_other_users_files() => ScenarioAsync(async () =>
    {
        // The file exists and holds something (as root can see), so "denied" below is a real refusal.
        var secret = (await File.ReadAllTextAsync(MiniHpcEnvironment.OtherUsersSecretFile)).Trim();
        Assert.NotEmpty(secret);

        var id = (await Env.CreateJobAsync("snoop")).Id;
        var job = await RunToEndAsync(id, JobStatus.Completed);
        await AssertInvariantsAsync(id, JobStatus.Completed);

        var report = await Env.DownloadTextAsync(job.OutputArtifactId!, "snoop.txt");
        Worker.Note("snoop.txt:\n" + report);
        Assert.Contains($"user: {MiniHpcEnvironment.ServiceUser}", report);
        Assert.DoesNotContain(secret, report);
        Assert.DoesNotContain("read:", report);
        Assert.DoesNotContain("listed:", report);
        Assert.Equal(2, report.Split('\n').Count(l => l.StartsWith("denied:", StringComparison.Ordinal) && l.Contains("Permission denied")));
    });
}
