using System.Management.Automation;
using Emx2Hpc.Core.Takeover;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Takes over the jobs the Python emx2-hpc-daemon tracks.</summary>
/// <remarks>Reads the Python daemon's SQLite tracker, checks every job against EMX2 and the scheduler, and outputs
/// the plan: which jobs this worker will track and in which phase, which are skipped and which are refused and why.
/// Without -WhatIf the plan is written into this worker's state database; that is refused while the Python daemon
/// still runs or has a cron entry. Importing twice changes nothing the second time.</remarks>
/// <example>
/// <code>Import-HpcPythonState -WhatIf</code>
/// Shows what would be imported from the Python daemon's default tracker location.
/// </example>
/// <example>
/// <code>Import-HpcPythonState -Path /home/hpc/.local/share/hpc-daemon/state.db</code>
/// Imports the jobs of that tracker.
/// </example>
[Cmdlet(VerbsData.Import, "HpcPythonState", SupportsShouldProcess = true)]
[OutputType(typeof(PythonImportPlan))]
public sealed class ImportHpcPythonStateCommand : HpcCmdlet
{
    /// <summary>The Python daemon's state database (default: ~/.local/share/hpc-daemon/state.db).</summary>
    [Parameter(Position = 0)]
    [Alias("From")]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var source = Path is null ? null : ProviderPath(Path);
        if (!TryRun(source, (session, ct) => session.PlanPythonImportAsync(source, ct), out var plan)) return;
        if (ShouldProcess(plan.Destination, $"Import {plan.Count(ImportAction.Import)} jobs from {plan.Source}"))
            Emit(source, (session, ct) => session.ApplyPythonImportAsync(plan, ct), OperationsMapping.ToImportPlan);
        else
            WriteObject(OperationsMapping.ToImportPlan(Session, plan));
    }
}
