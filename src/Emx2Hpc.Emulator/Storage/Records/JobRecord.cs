namespace Emx2Hpc.Emulator.Storage.Records;

/// <summary>One row of the jobs table (SERVER-SPEC §7.4). JSON columns hold the client's JSON text as given.</summary>
internal sealed record JobRecord
{
    public required string Id { get; init; }
    public required string Processor { get; init; }
    public string? Profile { get; init; }
    public string? ParametersJson { get; init; }
    public required string Status { get; init; }
    public string? WorkerId { get; init; }
    public string? InputsJson { get; init; }
    public string? SlurmJobId { get; init; }
    public string? SubmitUser { get; init; }
    public required string CreatedAt { get; init; }
    public string? ClaimedAt { get; init; }
    public string? SubmittedAt { get; init; }
    public string? StartedAt { get; init; }
    public string? CompletedAt { get; init; }
    public string? Phase { get; init; }
    public string? Message { get; init; }
    public double? Progress { get; init; }
    public int? TimeoutSeconds { get; init; }
    public string? OutputArtifactId { get; init; }
    public string? LogArtifactId { get; init; }
}
