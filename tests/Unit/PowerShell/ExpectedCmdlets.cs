namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>The cmdlet surface the design (issue #5, ARCHITECTURE.md) promises. Scripts depend on it, so a change
/// here is a breaking change and has to be deliberate.</summary>
public static class ExpectedCmdlets
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "Get-HpcJob", "Receive-HpcJob", "Submit-SlurmJob", "Send-HpcArtifact", "Invoke-HpcCycle", "Test-HpcConfig",
        "Register-HpcWorker", "Start-HpcDaemon", "Stop-HpcJob", "New-HpcJob", "Get-HpcJobTransition",
        "Receive-HpcArtifact", "Get-HpcTrackedJob", "Get-HpcWorkerStatus", "Import-HpcPythonState",
    };

    /// <summary>Cmdlets that accept -Token (act as an EMX2 user instead of the worker).</summary>
    public static readonly IReadOnlySet<string> UserFacing = new HashSet<string>(StringComparer.Ordinal)
    {
        "Get-HpcJob", "New-HpcJob", "Stop-HpcJob", "Get-HpcJobTransition", "Receive-HpcArtifact",
    };

    /// <summary>What each cmdlet outputs (full type names): the module's own types from src/Emx2Hpc.PowerShell/Output,
    /// never Core or protocol types (issue 9: a public contract, documented in docs/powershell.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> OutputType = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Get-HpcJob"] = "Emx2Hpc.Job",
        ["Receive-HpcJob"] = "Emx2Hpc.Job",
        ["Submit-SlurmJob"] = "Emx2Hpc.TrackedJob",
        ["Send-HpcArtifact"] = "Emx2Hpc.Artifact",
        ["Invoke-HpcCycle"] = "Emx2Hpc.CycleReport",
        ["Test-HpcConfig"] = "Emx2Hpc.CheckResult",
        ["Register-HpcWorker"] = "Emx2Hpc.WorkerRegistration",
        ["Stop-HpcJob"] = "Emx2Hpc.Job",
        ["New-HpcJob"] = "Emx2Hpc.Job",
        ["Get-HpcJobTransition"] = "Emx2Hpc.JobTransition",
        ["Receive-HpcArtifact"] = "Emx2Hpc.ArtifactDownload",
        ["Get-HpcTrackedJob"] = "Emx2Hpc.TrackedJob",
        ["Get-HpcWorkerStatus"] = "Emx2Hpc.WorkerStatus",
        ["Import-HpcPythonState"] = "Emx2Hpc.PythonImportPlan",
    };

    /// <summary>Parameters that must bind from the pipeline by property name, with the aliases that make objects of
    /// other cmdlets bind (a TrackedJob has JobId, a JobDto has OutputArtifactId).</summary>
    public static readonly IReadOnlyList<(string Cmdlet, string Parameter, string[] Aliases)> PipelineParameters =
    [
        ("Get-HpcJob", "Id", ["JobId"]),
        ("Receive-HpcJob", "Id", ["JobId"]),
        ("Submit-SlurmJob", "Id", ["JobId"]),
        ("Stop-HpcJob", "Id", ["JobId"]),
        ("Get-HpcJobTransition", "Id", ["JobId"]),
        ("Receive-HpcArtifact", "ArtifactId", ["OutputArtifactId"]),
        ("Send-HpcArtifact", "Path", ["FullName"]),
    ];

    /// <summary>Types that get a table view and a list view in Emx2Hpc.format.ps1xml: every output type.</summary>
    public static IReadOnlyList<string> FormattedTypes { get; } = OutputType.Values.Distinct().Order(StringComparer.Ordinal).ToList();
}
