namespace Emx2Hpc.Core.Operations;

/// <summary>What Send-HpcArtifact uploads: a file or a directory tree.</summary>
public sealed record SendArtifactRequest
{
    public required string Path { get; init; }
    public string? Name { get; init; }
    public string? Type { get; init; }
    public string Residence { get; init; } = "managed";
}
