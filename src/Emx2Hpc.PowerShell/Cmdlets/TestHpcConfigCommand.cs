using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Checks that this host can run as an EMX2 HPC worker.</summary>
/// <remarks>Outputs one result per check: the configuration, the secret file's permissions, the Slurm and
/// Apptainer binaries, EMX2 connectivity and authentication, and the clock skew against EMX2 (HMAC signatures
/// are only accepted within ±300 s). Changes nothing.</remarks>
/// <example>
/// <code>Test-HpcConfig -ConfigPath /etc/emx2-hpc/config.yaml</code>
/// Runs every check and shows the results as a table.
/// </example>
/// <example>
/// <code>Test-HpcConfig | Where-Object Status -ne 'Pass'</code>
/// Shows only the checks that need attention.
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "HpcConfig")]
[OutputType(typeof(CheckResult))]
public sealed class TestHpcConfigCommand : HpcCmdlet
{
    protected override void ProcessRecord() => EmitEach(ConfigPath, (session, ct) => session.TestAsync(ct), WorkerMapping.ToCheckResult);
}
