using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Runs one full worker cycle: the cron entry point.</summary>
/// <remarks>Takes the cycle lock, registers or heartbeats, recovers interrupted work, sends queued reports, claims
/// and submits new jobs, checks every tracked job with one squeue and one sacct call, relays progress, and
/// completes finished jobs (uploading outputs and logs). Outputs the cycle report. When EMX2 cannot be reached or
/// refuses the worker's credentials, the report is still output and a non-terminating Emx2Hpc.Emx2Unreachable error
/// follows, so `pwsh -c Invoke-HpcCycle` exits with 1; the next run carries on from the local state. A cycle that
/// finds another one still running is skipped (Skipped, SkipReason), which is not an error. With -Simulate the
/// simulated scheduler is used. With -Shadow nothing is changed anywhere (no request that modifies EMX2, no sbatch or
/// scancel, no write to the state database or the jobs root): the report's Planned lists what the cycle would have
/// done, for rehearsing a switch from the Python emx2-hpc-daemon beside it.</remarks>
/// <example>
/// <code>Invoke-HpcCycle -Verbose</code>
/// Runs one cycle and shows what it did.
/// </example>
/// <example>
/// <code>Invoke-HpcCycle -ConfigPath ./config.yaml -Simulate</code>
/// Runs a cycle against the simulated scheduler, for a first try without Slurm.
/// </example>
/// <example>
/// <code>(Invoke-HpcCycle -Shadow).Planned</code>
/// Shows what a cycle would claim, submit, report and upload right now, without doing any of it.
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "HpcCycle", SupportsShouldProcess = true)]
[OutputType(typeof(CycleReport))]
public sealed class InvokeHpcCycleCommand : HpcCmdlet
{
    /// <summary>Use the simulated scheduler instead of Slurm.</summary>
    [Parameter]
    public SwitchParameter Simulate { get; set; }

    /// <summary>Change nothing: only read EMX2 and the scheduler and output what the cycle would do.</summary>
    [Parameter]
    public SwitchParameter Shadow { get; set; }

    private protected override bool UseSimulatedScheduler => Simulate.IsPresent;

    protected override void ProcessRecord()
    {
        if (!Shadow.IsPresent && !ShouldProcess(ConfigTarget, "Run one worker cycle")) return;
        if (!TryRun(null, (session, ct) => Shadow.IsPresent ? session.InvokeShadowCycleAsync(ct) : session.InvokeCycleAsync(ct), out var report)) return;
        // The report is output either way: the cycle still monitored local jobs while EMX2 was away.
        var output = WorkerMapping.ToCycleReport(Session, report);
        WriteObject(output);
        if (ErrorMapper.CycleFailure(report, output) is { } failure) WriteError(failure);
    }
}
