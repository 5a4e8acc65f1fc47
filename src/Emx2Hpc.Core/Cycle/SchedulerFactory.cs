using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.Scheduling.Simulated;
using Emx2Hpc.Core.Scheduling.Slurm;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Picks the scheduler for a host: Slurm for real work, the simulated one for demos and tests.</summary>
public static class SchedulerFactory
{
    public static IScheduler Create(HpcConfig config, bool simulate, HpcLog log) => simulate
        ? new SimulatedScheduler(new SimulatedSchedulerOptions { StateDirectory = SimulatedStateDir(config) }, log.For("simulated"))
        : new SlurmCli(new ProcessRunner(log.For("process")), new SlurmCliOptions(), log.For("slurm"));

    /// <summary>The simulated scheduler keeps its jobs beside the state database, so cron runs share them.</summary>
    public static string SimulatedStateDir(HpcConfig config) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(config.Worker.StateDb))!, "simulated-scheduler");

    /// <summary>Simulated submission is atomic in-process, so there is nothing to wait for; a killed sbatch
    /// child may still be talking to slurmctld until its own timeout has passed.</summary>
    public static TimeSpan SettleTime(IScheduler scheduler) =>
        scheduler is SimulatedScheduler ? TimeSpan.Zero : new SlurmCliOptions().CommandTimeout + TimeSpan.FromSeconds(15);
}
