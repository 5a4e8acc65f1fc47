using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>What every cycle step works with. Built once per process (cron: once per `once`).</summary>
public sealed class CycleContext
{
    public required HpcConfig Config { get; init; }
    public required Emx2Client Client { get; init; }
    public required StateStore Store { get; init; }
    public required IScheduler Scheduler { get; init; }
    public required HpcLog Log { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>Where jobs' directories and inputs are prepared; null means the jobs root with real staging.</summary>
    public IJobWorkspace? Workspace { get; init; }

    /// <summary>How long an absent scheduler job is tolerated before it is declared lost.</summary>
    public TimeSpan UnknownGrace { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>After a crash during submission, how long to keep looking for the job by tag before it is
    /// safe to submit again: long enough for an orphaned sbatch child process to have finished or timed out.</summary>
    public TimeSpan SubmitSettleTime { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Records one audit event (and its metric counts) per side effect, inside the side effect's transaction.</summary>
    public Audit.AuditTrail Audit => _audit ??= new Audit.AuditTrail(Config.Emx2.WorkerId, Config.Audit.Enabled, Clock);
    private Audit.AuditTrail? _audit;

    /// <summary>The one place that answers "this job's directories" and "this job's profile".</summary>
    public JobPlacement Placement => _placement ??= new JobPlacement(Config);
    private JobPlacement? _placement;

    /// <summary>The one writer of tracked job rows: each phase change with its report, in one transaction.</summary>
    internal JobAdvancer Jobs => _jobs ??= new JobAdvancer(Store);
    private JobAdvancer? _jobs;

    public string WorkerId => Config.Emx2.WorkerId;
    public string JobsRoot => Config.Apptainer.TmpDir;
    public DateTimeOffset Now => Clock.GetUtcNow();
}
