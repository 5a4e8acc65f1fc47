namespace Emx2Hpc.Core.State;

/// <summary>Which endpoint a queued report goes to.</summary>
public enum ReportKind { Transition, Complete }

/// <summary>A report to EMX2 that is not yet acknowledged. Entries are sent strictly in sequence order per job,
/// and deleted only after a 2xx (or a reconciliation proving the server already has it).</summary>
public sealed record OutboxEntry
{
    public long Sequence { get; init; }
    public required string JobId { get; init; }
    public required ReportKind Kind { get; init; }
    /// <summary>The TransitionRequest body, serialized once so every retry sends identical bytes.</summary>
    public required string PayloadJson { get; init; }
    public required string TargetStatus { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedUtc { get; init; }
}
