namespace Emx2Hpc.Core.Emx2;

/// <summary>Filters of GET /api/hpc/jobs. The server treats an absent status as PENDING, an unknown one as
/// "no match", and limit 0 as "no limit" (SERVER-SPEC §6.4).</summary>
public sealed record JobQuery
{
    public string? Status { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public int? Limit { get; init; }
    public int? Offset { get; init; }
}
