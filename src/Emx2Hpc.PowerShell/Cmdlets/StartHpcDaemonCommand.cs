using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Runs the worker continuously, one cycle per poll interval, until stopped.</summary>
/// <remarks>Stops on Ctrl-C (or SIGINT from systemd with KillSignal=SIGINT): the running step is finished and
/// recorded before the cmdlet returns, so nothing is lost or done twice. Use -Verbose to see each cycle's log in the
/// journal. With -Simulate the simulated scheduler is used.</remarks>
/// <example>
/// <code>Start-HpcDaemon -Verbose</code>
/// Runs the worker in the foreground until Ctrl-C.
/// </example>
[Cmdlet(VerbsLifecycle.Start, "HpcDaemon", SupportsShouldProcess = true)]
public sealed class StartHpcDaemonCommand : HpcCmdlet
{
    /// <summary>Use the simulated scheduler instead of Slurm.</summary>
    [Parameter]
    public SwitchParameter Simulate { get; set; }

    private protected override bool UseSimulatedScheduler => Simulate.IsPresent;

    protected override void ProcessRecord()
    {
        if (ShouldProcess(ConfigTarget, "Run the worker until stopped"))
            Execute(null, (session, stop) => session.RunDaemonAsync(stop));
    }
}
