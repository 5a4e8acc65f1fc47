namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>slurm</c> section: cluster-wide defaults that profiles fall back to.</summary>
public sealed record SlurmSettings
{
    public string DefaultPartition { get; init; } = "normal";
    public string? DefaultAccount { get; init; }
}
