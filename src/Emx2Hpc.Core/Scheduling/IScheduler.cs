namespace Emx2Hpc.Core.Scheduling;

/// <summary>The batch system as the cycle sees it: submit one job, look at many in one call, find our own
/// jobs by tag after a crash, cancel. Implementations: SlurmCli (sbatch/squeue/sacct/scancel) and
/// Simulated (file-backed, for demos and tests). Errors reaching the scheduler at all are thrown as
/// <see cref="SchedulerUnavailableException"/> so a restarting slurmctld is never mistaken for lost jobs.</summary>
public interface IScheduler
{
    /// <summary>"slurm" or "simulated"; recorded in the state store and in logs.</summary>
    string Name { get; }

    /// <summary>How long after an interrupted submission (the process killed mid-sbatch) the job may still appear
    /// on the scheduler; the cycle waits this long before looking for it by tag and submitting again. The
    /// default suits a scheduler reached through a command with a 30 s timeout.</summary>
    TimeSpan SubmitSettleTime => TimeSpan.FromSeconds(45);

    /// <summary>Submits a job and returns the scheduler's job id. Throws <see cref="SchedulerException"/> when the
    /// scheduler refused it (the message says why) or <see cref="SchedulerUnavailableException"/> when it could
    /// not be asked (timeout, missing binary) — in that case the job may or may not exist, so callers recover
    /// by tag before submitting again.</summary>
    Task<string> SubmitAsync(BatchJobSpec spec, CancellationToken ct);

    /// <summary>One batched status query for all given ids. Ids missing from the result are absent from the
    /// scheduler entirely (neither queued/running nor in accounting).</summary>
    Task<IReadOnlyDictionary<string, SchedulerJobInfo>> QueryAsync(IReadOnlyCollection<string> schedulerJobIds, CancellationToken ct);

    /// <summary>Every job carrying our tag (<see cref="JobTag"/>), or the Python emx2-hpc-daemon's short job name,
    /// that the scheduler still knows about, running or recently finished. Used before any resubmission and to
    /// adopt orphans when local state was lost or another daemon is being taken over.</summary>
    Task<IReadOnlyList<SchedulerJobInfo>> ListTaggedAsync(CancellationToken ct);

    /// <summary>Cancels a job; cancelling a job that already ended is not an error.</summary>
    Task CancelAsync(string schedulerJobId, CancellationToken ct);
}
