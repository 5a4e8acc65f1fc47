using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Gets the jobs this worker tracks in its local state database.</summary>
/// <remarks>Reads the worker's SQLite state (worker.state_db): each job's local phase, Slurm job id and the last
/// status reported to EMX2. Contacts neither EMX2 nor Slurm.</remarks>
/// <example>
/// <code>Get-HpcTrackedJob</code>
/// Lists every tracked job.
/// </example>
/// <example>
/// <code>Get-HpcTrackedJob | Get-HpcJob</code>
/// Compares with EMX2's view of the same jobs.
/// </example>
[Cmdlet(VerbsCommon.Get, "HpcTrackedJob")]
[OutputType(typeof(TrackedJob))]
public sealed class GetHpcTrackedJobCommand : HpcCmdlet
{
    protected override void ProcessRecord() =>
        EmitEach(null, (session, _) => Task.FromResult(session.GetTrackedJobs()), WorkerMapping.ToTrackedJob);
}
