namespace Emx2Hpc.Emulator.Storage.Records;

/// <summary>One file of an artifact. HasContent is false for metadata-only rows (posix artifacts, whose bytes
/// never leave the cluster); the bytes themselves are read separately so listings stay cheap.</summary>
internal sealed record FileRecord
{
    public required string Id { get; init; }
    public required string ArtifactId { get; init; }
    public required string Path { get; init; }
    public string? Sha256 { get; init; }
    public long? SizeBytes { get; init; }
    public string? ContentType { get; init; }
    public bool HasContent { get; init; }
}
