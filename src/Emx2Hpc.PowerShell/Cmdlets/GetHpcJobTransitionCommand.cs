using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Gets the status history of an EMX2 job.</summary>
/// <remarks>One object per transition (from status, to status, time, worker, detail), oldest first.</remarks>
/// <example>
/// <code>Get-HpcJobTransition -Id 0b5c3e1a-8f7e-4a71-9a55-2f0d1e6f4b10</code>
/// Shows how one job got to its current status.
/// </example>
/// <example>
/// <code>Get-HpcJob -Status FAILED -First 5 | Get-HpcJobTransition</code>
/// Shows the history of five failed jobs.
/// </example>
[Cmdlet(VerbsCommon.Get, "HpcJobTransition")]
[OutputType(typeof(JobTransition))]
public sealed class GetHpcJobTransitionCommand : HpcUserCmdlet
{
    /// <summary>The job. Binds from the pipeline by property name (Id or JobId).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    protected override void ProcessRecord() => EmitEach(Id, (session, ct) => session.GetTransitionsAsync(Id, ct), JobMapping.ToTransition);
}
