using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Stages a claimed job's inputs, submits it to Slurm with sbatch and reports SUBMITTED to EMX2.</summary>
/// <remarks>The job must have been claimed by this worker (Receive-HpcJob or a cycle). The submission is recorded
/// locally before sbatch runs, so a job is never submitted twice, even after a crash. With -Simulate the simulated
/// scheduler is used instead of sbatch. Outputs the locally tracked job.</remarks>
/// <example>
/// <code>Get-HpcJob -Status PENDING | Receive-HpcJob | Submit-SlurmJob</code>
/// Claims and submits every pending job.
/// </example>
/// <example>
/// <code>Submit-SlurmJob -Id 0b5c3e1a-8f7e-4a71-9a55-2f0d1e6f4b10 -Simulate</code>
/// Runs the submission against the simulated scheduler.
/// </example>
[Cmdlet(VerbsLifecycle.Submit, "SlurmJob", SupportsShouldProcess = true)]
[OutputType(typeof(TrackedJob))]
public sealed class SubmitSlurmJobCommand : HpcCmdlet
{
    /// <summary>The claimed job to submit. Binds from the pipeline by property name (Id or JobId).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>Use the simulated scheduler instead of sbatch (nothing reaches Slurm).</summary>
    [Parameter]
    public SwitchParameter Simulate { get; set; }

    private protected override bool UseSimulatedScheduler => Simulate.IsPresent;

    protected override void ProcessRecord()
    {
        if (ShouldProcess(Id, "Stage inputs, submit to Slurm and report SUBMITTED"))
            Emit(Id, (session, ct) => session.SubmitJobAsync(Id, ct), WorkerMapping.ToTrackedJob);
    }
}
