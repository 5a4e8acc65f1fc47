using System.Management.Automation;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Downloads an artifact's files from EMX2 into a directory.</summary>
/// <remarks>Files keep their paths inside the artifact; each is checked against the SHA-256 EMX2 sends. Shows
/// Write-Progress while downloading. A job piped in supplies its output artifact (OutputArtifactId). Outputs an
/// Emx2Hpc.ArtifactDownload (the directory as FullName, number of files, bytes).</remarks>
/// <example>
/// <code>Receive-HpcArtifact -ArtifactId 6c1f0e2d-3b4a-4c5d-8e9f-0a1b2c3d4e5f -Destination ./inputs</code>
/// Downloads one artifact into ./inputs.
/// </example>
/// <example>
/// <code>Get-HpcJob -Id 0b5c3e1a-8f7e-4a71-9a55-2f0d1e6f4b10 | Receive-HpcArtifact -Destination ./out</code>
/// Downloads a finished job's output artifact.
/// </example>
[Cmdlet(VerbsCommunications.Receive, "HpcArtifact", SupportsShouldProcess = true)]
[OutputType(typeof(ArtifactDownload))]
public sealed class ReceiveHpcArtifactCommand : HpcUserCmdlet
{
    /// <summary>The artifact to download. Binds from the pipeline by property name (ArtifactId or OutputArtifactId).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OutputArtifactId")]
    [ValidateNotNullOrEmpty]
    public string ArtifactId { get; set; } = "";

    /// <summary>The directory to download into; created when missing. Default: the current location.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = ".";

    private protected override string? FailureErrorId => ErrorIds.DownloadFailed;

    protected override void ProcessRecord()
    {
        var directory = ProviderPath(Destination);
        if (ShouldProcess(ArtifactId, $"Download to {directory}"))
            Emit(ArtifactId, (session, ct) => session.ReceiveArtifactAsync(ArtifactId, directory, TransferProgressSink, ct),
                ArtifactMapping.ToDownload);
    }
}
