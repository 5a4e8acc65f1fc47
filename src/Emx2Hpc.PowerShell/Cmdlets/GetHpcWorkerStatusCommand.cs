using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Gets this worker's health at a glance, for people and monitoring checks.</summary>
/// <remarks>Reads the local state database (last successful cycle, last error, tracked jobs by phase, unsent
/// reports, lock holder), makes one read-only signed request to EMX2 (reachable, credentials accepted) and pings
/// the scheduler (`scontrol ping`; with -Simulate the simulated scheduler's directory). It never takes the cycle
/// lock, claims or reports. Healthy is false, and Problems says why, when the last successful cycle is older than
/// three poll intervals, an unsent report is older than status.max_report_age_seconds, the cycle lock has been held
/// longer than status.max_cycle_seconds, EMX2 refuses the credentials, or EMX2 or the scheduler cannot be reached.</remarks>
/// <example>
/// <code>Get-HpcWorkerStatus</code>
/// Shows the status.
/// </example>
/// <example>
/// <code>if (-not (Get-HpcWorkerStatus).Healthy) { exit 1 }</code>
/// Uses it as a monitoring check.
/// </example>
[Cmdlet(VerbsCommon.Get, "HpcWorkerStatus")]
[OutputType(typeof(WorkerStatus))]
public sealed class GetHpcWorkerStatusCommand : HpcCmdlet
{
    /// <summary>Ping the simulated scheduler instead of Slurm.</summary>
    [Parameter]
    public SwitchParameter Simulate { get; set; }

    private protected override bool UseSimulatedScheduler => Simulate.IsPresent;

    protected override void ProcessRecord() => Emit(null, (session, ct) => session.GetStatusAsync(ct), OperationsMapping.ToWorkerStatus);
}
