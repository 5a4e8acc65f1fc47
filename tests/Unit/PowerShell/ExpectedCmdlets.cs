namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>The cmdlet surface the design (issue #5, ARCHITECTURE.md) promises. Scripts depend on it, so a change
/// here is a breaking change and has to be deliberate.</summary>
public static class ExpectedCmdlets
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "Get-HpcJob", "Receive-HpcJob", "Submit-SlurmJob", "Send-HpcArtifact", "Invoke-HpcCycle", "Test-HpcConfig",
        "Register-HpcWorker", "Start-HpcDaemon", "Stop-HpcJob", "New-HpcJob", "Get-HpcJobTransition",
        "Receive-HpcArtifact", "Get-HpcTrackedJob", "Import-HpcPythonState",
    };

    /// <summary>Cmdlets that accept -Token (act as an EMX2 user instead of the worker).</summary>
    public static readonly IReadOnlySet<string> UserFacing = new HashSet<string>(StringComparer.Ordinal)
    {
        "Get-HpcJob", "New-HpcJob", "Stop-HpcJob", "Get-HpcJobTransition", "Receive-HpcArtifact",
    };

    /// <summary>What each cmdlet outputs (full type names).</summary>
    public static readonly IReadOnlyDictionary<string, string> OutputType = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Get-HpcJob"] = "Emx2Hpc.Core.Protocol.Dtos.JobDto",
        ["Receive-HpcJob"] = "Emx2Hpc.Core.Protocol.Dtos.JobDto",
        ["Submit-SlurmJob"] = "Emx2Hpc.Core.State.TrackedJob",
        ["Send-HpcArtifact"] = "Emx2Hpc.Core.Protocol.Dtos.ArtifactDto",
        ["Invoke-HpcCycle"] = "Emx2Hpc.Core.Cycle.CycleReport",
        ["Test-HpcConfig"] = "Emx2Hpc.Core.Checks.CheckResult",
        ["Register-HpcWorker"] = "Emx2Hpc.Core.Protocol.Dtos.WorkerRegistrationDto",
        ["Stop-HpcJob"] = "Emx2Hpc.Core.Protocol.Dtos.JobDto",
        ["New-HpcJob"] = "Emx2Hpc.Core.Protocol.Dtos.JobDto",
        ["Get-HpcJobTransition"] = "Emx2Hpc.Core.Protocol.Dtos.TransitionDto",
        ["Receive-HpcArtifact"] = "Emx2Hpc.Core.Operations.DownloadSummary",
        ["Get-HpcTrackedJob"] = "Emx2Hpc.Core.State.TrackedJob",
        ["Import-HpcPythonState"] = "Emx2Hpc.Core.Takeover.ImportPlan",
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

    /// <summary>Types that get a default table view in Emx2Hpc.format.ps1xml.</summary>
    public static readonly IReadOnlyList<string> FormattedTypes =
    [
        "Emx2Hpc.Core.Protocol.Dtos.JobDto",
        "Emx2Hpc.Core.Protocol.Dtos.TransitionDto",
        "Emx2Hpc.Core.Protocol.Dtos.ArtifactDto",
        "Emx2Hpc.Core.Checks.CheckResult",
        "Emx2Hpc.Core.State.TrackedJob",
        "Emx2Hpc.Core.Cycle.CycleReport",
    ];
}
