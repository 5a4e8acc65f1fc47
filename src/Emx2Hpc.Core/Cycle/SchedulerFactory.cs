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
        : new SlurmCli(new ProcessRunner(log.For("process")), SlurmOptions(config.Slurm), log.For("slurm"));

    /// <summary>The <c>slurm:</c> section's command settings; what it leaves out keeps SlurmCli's defaults.</summary>
    public static SlurmCliOptions SlurmOptions(SlurmSettings slurm)
    {
        var defaults = new SlurmCliOptions();
        return defaults with
        {
            UseAccounting = slurm.UseAccounting,
            CommandTimeout = TimeSpan.FromSeconds(slurm.CommandTimeoutSeconds),
            User = slurm.User ?? defaults.User,
        };
    }

    /// <summary>The simulated scheduler keeps its jobs beside the state database, so cron runs share them.</summary>
    public static string SimulatedStateDir(HpcConfig config) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(config.Worker.StateDb))!, "simulated-scheduler");
}
