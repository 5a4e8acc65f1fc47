using System.Net;
using System.Security.Cryptography;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.MiniHpc.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Scenarios;

/// <summary>An output with posix residence stays on the shared filesystem, moved to the durable posix output root;
/// EMX2's file URL names where it is, and
/// that path holds the bytes EMX2 recorded (hash and size), readable by the service user.</summary>
public sealed class PosixSharedTests(MiniHpcEnvironment env, ITestOutputHelper output) : MiniHpcTest(env, output)
{
    [MiniHpcFact]
    public Task A_posix_output_on_the_shared_filesystem_is_where_the_file_url_says() => ScenarioAsync(async () =>
    {
        var id = (await Env.CreateJobAsync("posix")).Id;
        var job = await RunToEndAsync(id, JobStatus.Completed);
        await AssertInvariantsAsync(id, JobStatus.Completed);

        var artifact = Env.Artifact(job.OutputArtifactId!);
        Assert.Equal("posix", artifact.Residence);
        var file = Assert.Single(Env.Emulator.ListFiles(artifact.Id));
        using var response = await Env.GetAsUserAsync($"/api/hpc/artifacts/{artifact.Id}/files/{file.Path}");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("file", location.Scheme);
        Worker.Note($"EMX2 says {file.Path} is at {location}");
        // Moved out of the job directory to the durable staging.posix_output_root before EMX2 was given the URL.
        Assert.StartsWith(Env.PosixOutputsDir + "/" + id + "/", location.LocalPath);

        // Read as the service user (not root), the way a downstream job on any node would.
        var read = await MiniCluster.RunAsync("setpriv",
            ["--reuid", MiniHpcEnvironment.ServiceUser, "--regid", MiniHpcEnvironment.ServiceUser, "--init-groups", "--", "sha256sum", location.LocalPath]);
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal(file.Sha256, read.Stdout.Split(' ')[0]);
        Assert.Equal(file.SizeBytes, new FileInfo(location.LocalPath).Length);
        Assert.Equal(file.Sha256, Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(location.LocalPath))).ToLowerInvariant());
    });
}
