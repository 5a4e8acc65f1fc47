using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>--state FILE keeps jobs, artifacts (with bytes), workers and credentials across a restart.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2-emu-state-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task State_file_survives_a_restart()
    {
        var statePath = Path.Combine(_dir, "nested", "emulator.db");
        string jobId, artifactId;
        IssuedCredentialDto credential;
        await using (var first = await EmulatorFixture.StartAsync(o => o.StatePath = statePath))
        {
            (jobId, _) = await Scenario.JobInStatusAsync(first, JobStatus.Pending);
            artifactId = await Scenario.CommittedArtifactAsync(first, ("a.txt", "persisted"));
            using var issued = await first.SendAsync(first.AsUser(EmulatorFixture.ManagerToken, HttpMethod.Post, "/api/hpc/workers/saved/credentials/issue"));
            await HttpAssert.StatusAsync(HttpStatusCode.Created, issued);
            credential = await issued.ReadAsAsync<IssuedCredentialDto>();
        }
        Assert.True(File.Exists(statePath));

        await using var second = await EmulatorFixture.StartAsync(o => o.StatePath = statePath);
        var job = await Scenario.GetJobAsync(second, jobId);
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.StartsWith("editor-", job.SubmitUser); // token user names are stable across restarts
        Assert.Equal("Job created", Assert.Single(second.Server.GetTransitions(jobId)).Detail);
        Assert.Equal(ArtifactStatus.Committed, second.Server.GetArtifact(artifactId)!.Status);
        using (var download = await second.SendAsync(second.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/artifacts/{artifactId}/files/a.txt")))
            Assert.Equal("persisted", await download.Content.ReadAsStringAsync());
        using var signed = await second.SendAsync(second.AsWorker(HttpMethod.Get, "/api/hpc/jobs", credential: new HmacCredential("saved", credential.Secret)));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, signed);
        // The preconfigured worker secret was seeded once, not once per start.
        Assert.Single(second.Server.ListCredentials(EmulatorFixture.Worker.WorkerId));
    }
}
