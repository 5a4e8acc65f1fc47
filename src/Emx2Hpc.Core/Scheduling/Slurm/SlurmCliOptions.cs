namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>How SlurmCli talks to the cluster.</summary>
public sealed record SlurmCliOptions
{
    /// <summary>Per command; the reference daemon used 30 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Command names (searched on PATH) or absolute paths.</summary>
    public string Sbatch { get; init; } = "sbatch";
    public string Squeue { get; init; } = "squeue";
    public string Sacct { get; init; } = "sacct";
    public string Scancel { get; init; } = "scancel";

    /// <summary>Whose jobs squeue/sacct list (the account the daemon submits as).</summary>
    public string User { get; init; } = Environment.UserName;

    /// <summary>How far back ListTaggedAsync looks in accounting for finished jobs.</summary>
    public TimeSpan AccountingLookback { get; init; } = TimeSpan.FromDays(7);

    /// <summary>False on clusters without slurmdbd: sacct is never called and squeue lists all states, so a job
    /// that finished within the controller's MinJobAge is still seen; after that it is absent (the caller's grace
    /// period then decides). With accounting enabled this stays true.</summary>
    public bool UseAccounting { get; init; } = true;
}
