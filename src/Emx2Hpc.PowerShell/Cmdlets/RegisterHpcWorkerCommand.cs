using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Registers this worker and its capabilities with EMX2.</summary>
/// <remarks>Sends the worker id, host name and one capability per configured profile. Registering again updates
/// the registration; cycles and the daemon register on their own, so this is for a first setup or after changing
/// profiles.</remarks>
/// <example>
/// <code>Register-HpcWorker -ConfigPath /etc/emx2-hpc/config.yaml</code>
/// Registers the worker described by that configuration.
/// </example>
[Cmdlet(VerbsLifecycle.Register, "HpcWorker", SupportsShouldProcess = true)]
[OutputType(typeof(WorkerRegistration))]
public sealed class RegisterHpcWorkerCommand : HpcCmdlet
{
    protected override void ProcessRecord()
    {
        if (ShouldProcess(ConfigTarget, "Register the worker with EMX2"))
            Emit(null, (session, ct) => session.RegisterAsync(ct), WorkerMapping.ToRegistration);
    }
}
