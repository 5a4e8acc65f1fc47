using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Cancels an EMX2 job.</summary>
/// <remarks>Asks EMX2 to cancel the job; the worker running it notices on its next cycle, runs scancel and reports
/// CANCELLED. Asks for confirmation (ConfirmImpact High); pass -Confirm:$false in scripts. Use -Token to cancel as an
/// EMX2 user. Outputs the job as EMX2 returns it.</remarks>
/// <example>
/// <code>Stop-HpcJob -Id 0b5c3e1a-8f7e-4a71-9a55-2f0d1e6f4b10 -Token $token</code>
/// Cancels one job as the user owning the token.
/// </example>
/// <example>
/// <code>Get-HpcJob -Status PENDING -Processor demo:v1 | Stop-HpcJob -Confirm:$false</code>
/// Cancels every pending job of one processor without prompting.
/// </example>
[Cmdlet(VerbsLifecycle.Stop, "HpcJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Job))]
public sealed class StopHpcJobCommand : HpcUserCmdlet
{
    /// <summary>The job to cancel. Binds from the pipeline by property name (Id or JobId).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (ShouldProcess(Id, "Cancel job")) Emit(Id, (session, ct) => session.CancelJobAsync(Id, ct), JobMapping.ToJob);
    }
}
