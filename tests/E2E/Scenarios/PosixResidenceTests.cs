using System.Net;
using System.Security.Cryptography;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 6: outputs with posix residence stay on the cluster, under the durable posix output root; EMX2 keeps
/// only paths, hashes and sizes.</summary>
public sealed class PosixResidenceTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Posix_outputs_are_registered_not_uploaded_and_downloads_redirect_to_them() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("posix");

        job = await RunToEndAsync(job.Id, JobStatus.Completed);

        // Moved out of the job directory to the durable staging.posix_output_root before EMX2 was given the URL.
        var outputDir = Path.Combine(Env.PosixOutputsDir, job.Id);
        var artifact = Env.Artifact(job.OutputArtifactId!);
        Assert.Equal(ArtifactStatus.Committed, artifact.Status);
        Assert.Equal("posix", artifact.Residence);
        Assert.Equal(new Uri(outputDir).AbsoluteUri, artifact.ContentUrl);
        var file = Assert.Single(FilesOf(artifact.Id)).Value;
        Assert.Equal("big.bin", file.Path);
        Assert.Equal(1048576, file.SizeBytes);
        var local = Path.Combine(outputDir, "big.bin");
        Assert.Equal(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(local))).ToLowerInvariant(), file.Sha256);
        Assert.Null(Env.Emulator.GetFileContent(artifact.Id, "big.bin")); // no bytes reached EMX2

        using var response = await Env.SendAsUserAsync(HttpMethod.Get, $"/api/hpc/artifacts/{artifact.Id}/files/big.bin");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("file", location.Scheme);
        Assert.Equal(local, location.LocalPath);

        var log = Env.Artifact(job.LogArtifactId!);
        Assert.Equal("posix", log.Residence);
        Assert.All(FilesOf(log.Id).Keys, path => Assert.Null(Env.Emulator.GetFileContent(log.Id, path)));
        await AssertAccountedAsync(job.Id, "COMPLETED");
    });
}
