namespace Emx2Hpc;

/// <summary>This worker as EMX2 registered it (Register-HpcWorker). Times are UTC.</summary>
public sealed class WorkerRegistration
{
    public string WorkerId { get; init; } = "";
    public string? HostName { get; init; }
    public DateTimeOffset? RegisteredAt { get; init; }
    public DateTimeOffset? LastHeartbeatAt { get; init; }
}
