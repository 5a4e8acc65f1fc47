using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Protocol;

/// <summary>Every constant in hpc-protocol.json equals Core's copy, so protocol drift fails the build's tests.</summary>
public class ProtocolConstantsTests
{
    [Fact]
    public void ApiVersion_matches() => Assert.Equal(ProtocolConstants.ApiVersion, ProtocolContract.Const("apiVersion"));

    [Fact]
    public void Job_statuses_match_in_order() => Assert.Equal(ProtocolContract.Enum("HpcJobStatus"), JobStatus.All);

    [Fact]
    public void Artifact_statuses_match_in_order() => Assert.Equal(ProtocolContract.Enum("ArtifactStatus"), ArtifactStatus.All);

    [Fact]
    public void Residences_match() => Assert.Equal(ProtocolContract.Enum("ArtifactResidence"), ArtifactResidence.All);

    [Fact]
    public void Credential_statuses_match() => Assert.Equal(ProtocolContract.Enum("WorkerCredentialStatus"), WorkerCredentialStatus.All);

    [Fact]
    public void Transitions_match_every_status()
    {
        var contract = ProtocolContract.PropertyConsts("transitions");
        Assert.Equal(JobStatus.All.OrderBy(s => s), contract.Keys.OrderBy(s => s));
        foreach (var (from, targets) in contract)
            Assert.Equal(ProtocolContract.Strings(targets), JobStatus.AllowedFrom(from));
    }

    [Fact]
    public void Terminal_statuses_match()
    {
        Assert.Equal(ProtocolContract.ConstArray("terminalStatuses"), JobStatus.Terminal);
        foreach (var status in JobStatus.All)
            Assert.Equal(ProtocolContract.ConstArray("terminalStatuses").Contains(status), JobStatus.IsTerminal(status));
    }

    [Fact]
    public void Header_names_and_groups_match()
    {
        var declared = ProtocolContract.Definition("headers").GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(ProtocolContract.ConstArray("requiredHeaders"), ProtocolHeaders.Required);
        Assert.Equal(ProtocolContract.ConstArray("optionalHeaders"), ProtocolHeaders.Optional);
        Assert.Equal(ProtocolContract.ConstArray("binaryBodyHeaders"), ProtocolHeaders.BinaryBody);
        Assert.Equal(declared.Keys.OrderBy(k => k), ProtocolHeaders.Required.Concat(ProtocolHeaders.Optional).OrderBy(k => k));
        foreach (var name in ProtocolHeaders.Required) Assert.True(declared[name].GetProperty("required").GetBoolean(), name);
        foreach (var name in ProtocolHeaders.Optional) Assert.False(declared[name].GetProperty("required").GetBoolean(), name);
        Assert.Equal(
            [ProtocolHeaders.ApiVersion, ProtocolHeaders.RequestId, ProtocolHeaders.TraceId, ProtocolHeaders.Timestamp, ProtocolHeaders.Nonce, ProtocolHeaders.WorkerId],
            declared.Keys);
    }

    [Fact]
    public void Progress_limits_match()
    {
        var limits = ProtocolContract.PropertyConsts("progressFieldLimits");
        // The analyzer wants Core's constants in the "expected" slot; the contract value is what is checked.
        Assert.Equal(ProgressLimits.PhaseMaxLength, limits["phase_max_length"].GetInt32());
        Assert.Equal(ProgressLimits.MessageMaxLength, limits["message_max_length"].GetInt32());
        Assert.Equal(ProgressLimits.ProgressMin, limits["progress_min"].GetDouble());
        Assert.Equal(ProgressLimits.ProgressMax, limits["progress_max"].GetDouble());
    }

    [Fact]
    public void Job_link_relations_match_per_status()
    {
        var contract = ProtocolContract.PropertyConsts("jobLinksByStatus");
        Assert.Equal(JobStatus.All.OrderBy(s => s), contract.Keys.OrderBy(s => s));
        foreach (var (status, relations) in contract) Assert.Equal(ProtocolContract.Strings(relations), LinkRelations.ForJob(status));
    }

    [Fact]
    public void Artifact_link_relations_match_per_status()
    {
        var contract = ProtocolContract.PropertyConsts("artifactLinksByStatus");
        Assert.Equal(ArtifactStatus.All.OrderBy(s => s), contract.Keys.OrderBy(s => s));
        foreach (var (status, relations) in contract) Assert.Equal(ProtocolContract.Strings(relations), LinkRelations.ForArtifact(status));
    }

    [Fact]
    public void Problem_detail_required_fields_are_emitted_by_the_dto()
    {
        var required = ProtocolContract.Strings(ProtocolContract.Definition("ProblemDetail").GetProperty("required"));
        var json = System.Text.Json.JsonSerializer.Serialize(new ProblemDetail { Title = "t", Status = 400, Detail = "d" }, JsonDefaults.Options);
        foreach (var field in required) Assert.Contains($"\"{field}\"", json);
    }

    [Fact]
    public void Hmac_fixture_secret_is_the_one_the_vectors_use() =>
        Assert.Equal("contract-secret-0123456789abcdef0123456789", ProtocolContract.Const("hmacFixtureSecret"));
}
