using System.Management.Automation;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;
using ProtocolStatus = Emx2Hpc.Core.Protocol.JobStatus;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Lists EMX2 jobs, or gets one job by id.</summary>
/// <remarks>Without -Id, returns one page of jobs (filtered by -Status, -Processor and -Profile); -All follows the
/// pages to the end. With -Id (also from the pipeline, e.g. from Get-HpcTrackedJob), returns that job.
/// Works with the worker's credentials or, with -Token, as an EMX2 user.</remarks>
/// <example>
/// <code>Get-HpcJob -Status PENDING -First 10</code>
/// Lists the first ten pending jobs.
/// </example>
/// <example>
/// <code>Get-HpcJob -Status PENDING | Receive-HpcJob | Submit-SlurmJob</code>
/// Claims every pending job and submits each to Slurm.
/// </example>
/// <example>
/// <code>Get-HpcTrackedJob | Get-HpcJob</code>
/// Shows EMX2's view of every job this worker tracks.
/// </example>
[Cmdlet(VerbsCommon.Get, "HpcJob", DefaultParameterSetName = ListSet)]
[OutputType(typeof(Job))]
public sealed class GetHpcJobCommand : HpcUserCmdlet
{
    private const string ListSet = "List";
    private const string ByIdSet = "ById";

    /// <summary>The job id. Binds from the pipeline by property name (Id or JobId).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>Only jobs in this status.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet(ProtocolStatus.Pending, ProtocolStatus.Claimed, ProtocolStatus.Submitted, ProtocolStatus.Started,
        ProtocolStatus.Completed, ProtocolStatus.Failed, ProtocolStatus.Cancelled)]
    public string? Status { get; set; }

    /// <summary>Only jobs for this processor (e.g. text-embedding:v3).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(ProcessorCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Processor { get; set; }

    /// <summary>Only jobs for this profile (e.g. gpu-medium).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Profile { get; set; }

    /// <summary>At most this many jobs (the page size sent to EMX2).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [Alias("First")]
    [ValidateRange(1, int.MaxValue)]
    public int? Limit { get; set; }

    /// <summary>Skip this many jobs first.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [Alias("Skip")]
    [ValidateRange(0, int.MaxValue)]
    public int? Offset { get; set; }

    /// <summary>Follow the pages until every matching job has been returned.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        var filter = new JobFilter
        {
            Id = ParameterSetName == ByIdSet ? Id : null,
            // The protocol's statuses are upper case; ValidateSet accepted any casing.
            Status = Status,
            Processor = Processor,
            Profile = Profile,
            Limit = Limit,
            Offset = Offset,
            All = All.IsPresent,
        };
        EmitEach(ParameterSetName == ByIdSet ? Id : null, (session, ct) => session.GetJobsAsync(filter, ct), JobMapping.ToJob);
    }
}
