using Emx2Hpc.Core.Protocol;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Protocol;

public class StateMachineTests
{
    [Theory]
    [InlineData("PENDING", "CLAIMED")]
    [InlineData("PENDING", "CANCELLED")]
    [InlineData("CLAIMED", "SUBMITTED")]
    [InlineData("CLAIMED", "FAILED")]
    [InlineData("SUBMITTED", "STARTED")]
    [InlineData("STARTED", "COMPLETED")]
    [InlineData("STARTED", "CANCELLED")]
    public void Legal_job_edges(string from, string to) => Assert.True(JobStatus.IsLegal(from, to));

    [Theory]
    [InlineData("PENDING", "STARTED")]
    [InlineData("PENDING", "COMPLETED")]
    [InlineData("CLAIMED", "STARTED")]
    [InlineData("SUBMITTED", "COMPLETED")]
    [InlineData("COMPLETED", "FAILED")]
    [InlineData("CANCELLED", "PENDING")]
    [InlineData("STARTED", "STARTED")]
    [InlineData("NOPE", "CLAIMED")]
    public void Illegal_job_edges(string from, string to) => Assert.False(JobStatus.IsLegal(from, to));

    [Fact]
    public void Terminal_statuses_have_no_outgoing_edges()
    {
        foreach (var status in JobStatus.Terminal) Assert.Empty(JobStatus.AllowedFrom(status));
    }

    [Theory]
    [InlineData("CREATED", "UPLOADING", true)]
    [InlineData("UPLOADING", "COMMITTED", true)]
    [InlineData("REGISTERED", "COMMITTED", true)]
    [InlineData("CREATED", "COMMITTED", false)]
    [InlineData("COMMITTED", "UPLOADING", false)]
    [InlineData("FAILED", "COMMITTED", false)]
    public void Artifact_edges(string from, string to, bool legal) => Assert.Equal(legal, ArtifactStatus.IsLegal(from, to));

    [Theory]
    [InlineData("CREATED", true)]
    [InlineData("UPLOADING", true)]
    [InlineData("REGISTERED", true)]
    [InlineData("COMMITTED", false)]
    [InlineData("FAILED", false)]
    public void Artifacts_accept_files_only_while_being_filled(string status, bool accepts) =>
        Assert.Equal(accepts, ArtifactStatus.AcceptsFiles(status));
}
