namespace Emx2Hpc.Emulator.Storage.Records;

internal sealed record WorkerRecord
{
    public required string WorkerId { get; init; }
    public string? Hostname { get; init; }
    public string? RegisteredAt { get; init; }
    public string? LastHeartbeatAt { get; init; }
}

/// <summary>What a worker said it can run; rows keep registration order because capacity uses the first match.</summary>
internal sealed record CapabilityRecord
{
    public required string WorkerId { get; init; }
    public required int Position { get; init; }
    public required string Processor { get; init; }
    public required string Profile { get; init; }
    public int? MaxConcurrentJobs { get; init; }

    /// <summary>The server's capability row id format.</summary>
    public string Id => $"{WorkerId}-cap-{Position}";
}
