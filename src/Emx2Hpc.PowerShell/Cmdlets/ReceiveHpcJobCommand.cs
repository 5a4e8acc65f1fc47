using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Claims EMX2 jobs for this worker.</summary>
/// <remarks>With -Id (usually from the pipeline), claims that job. Without it, claims up to -Count pending jobs
/// whose processor and profile this worker's configuration can run. The claimed job is recorded locally, so the
/// next Invoke-HpcCycle (or Submit-SlurmJob) carries it on. A job another worker claimed first fails with
/// Emx2Hpc.ClaimConflict.</remarks>
/// <example>
/// <code>Get-HpcJob -Status PENDING | Receive-HpcJob</code>
/// Claims every pending job.
/// </example>
/// <example>
/// <code>Receive-HpcJob -Count 5 | Submit-SlurmJob</code>
/// Claims up to five jobs this worker can run and submits them.
/// </example>
[Cmdlet(VerbsCommunications.Receive, "HpcJob", SupportsShouldProcess = true, DefaultParameterSetName = ByCapabilitySet)]
[OutputType(typeof(Job))]
public sealed class ReceiveHpcJobCommand : HpcCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByCapabilitySet = "ByCapability";

    /// <summary>The job to claim. Binds from the pipeline by property name (Id or JobId).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>Claim up to this many pending jobs that this worker can run.</summary>
    [Parameter(ParameterSetName = ByCapabilitySet)]
    [ValidateRange(1, 1000)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIdSet)
        {
            if (ShouldProcess(Id, "Claim job")) Emit(Id, (session, ct) => session.ClaimJobAsync(Id, ct), JobMapping.ToJob);
        }
        else if (ShouldProcess($"up to {Count} pending job(s) this worker can run", "Claim"))
        {
            EmitEach(null, (session, ct) => session.ClaimAvailableAsync(Count, ct), JobMapping.ToJob);
        }
    }
}
