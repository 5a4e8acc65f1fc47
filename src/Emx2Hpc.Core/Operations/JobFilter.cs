namespace Emx2Hpc.Core.Operations;

/// <summary>Job list filter for Get-HpcJob.</summary>
public sealed record JobFilter
{
    public string? Id { get; init; }
    public string? Status { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public int? Limit { get; init; }
    public int? Offset { get; init; }
    /// <summary>Page through everything instead of one page.</summary>
    public bool All { get; init; }
}
