namespace Emx2Hpc.Emulator.Storage.Records;

/// <summary>One row of the artifacts table (SERVER-SPEC §8).</summary>
internal sealed record ArtifactRecord
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Type { get; init; }
    public required string Residence { get; init; }
    public required string Status { get; init; }
    public string? Sha256 { get; init; }
    public long? SizeBytes { get; init; }
    public string? ContentUrl { get; init; }
    public string? MetadataJson { get; init; }
    public required string CreatedAt { get; init; }
    public string? CommittedAt { get; init; }
}
