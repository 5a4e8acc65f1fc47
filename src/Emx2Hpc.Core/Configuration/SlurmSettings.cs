namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>slurm</c> section: cluster-wide defaults that profiles fall back to, and how the daemon
/// calls the Slurm commands.</summary>
public sealed record SlurmSettings
{
    public string DefaultPartition { get; init; } = "normal";
    public string? DefaultAccount { get; init; }

    /// <summary>False on clusters without slurmdbd: sacct is never called (see SlurmCliOptions.UseAccounting).</summary>
    public bool UseAccounting { get; init; } = true;

    /// <summary>How long one sbatch/squeue/sacct/scancel call may take; the reference daemon used 30 s.</summary>
    public int CommandTimeoutSeconds { get; init; } = 30;

    /// <summary>Whose jobs squeue and sacct list; null means the account the daemon runs as.</summary>
    public string? User { get; init; }
}
