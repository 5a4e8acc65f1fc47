namespace Emx2Hpc.Emulator.Storage.Records;

/// <summary>A per-worker HMAC credential. The real server stores the secret AES-GCM encrypted; the spec allows a
/// stand-in to keep it in plain text, which the emulator does (its state file is test data).</summary>
internal sealed record CredentialRecord
{
    public required string Id { get; init; }
    public required string WorkerId { get; init; }
    public required string Secret { get; init; }
    public required string Status { get; init; }
    public string? Label { get; init; }
    public required string CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public string? LastUsedAt { get; init; }
    public string? RevokedAt { get; init; }
    public string? ExpiresAt { get; init; }
}
