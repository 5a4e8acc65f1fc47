namespace Emx2Hpc.Emulator.Storage.Records;

/// <summary>One audit row of a job's history; FromStatus is null for the creation row.</summary>
internal sealed record TransitionRecord
{
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public string? FromStatus { get; init; }
    public required string ToStatus { get; init; }
    public required string Timestamp { get; init; }
    public string? WorkerId { get; init; }
    public string? Detail { get; init; }
    public string? Phase { get; init; }
    public string? Message { get; init; }
    public double? Progress { get; init; }
}
