using System.Management.Automation;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.PowerShell.Infrastructure;
using Emx2Hpc.PowerShell.Output.Mapping;
using Residences = Emx2Hpc.Core.Protocol.ArtifactResidence;

namespace Emx2Hpc.PowerShell.Cmdlets;

/// <summary>Registers a file or directory as an EMX2 artifact and uploads it.</summary>
/// <remarks>A directory becomes one artifact holding every file below it (paths relative to the directory). With
/// -Residence managed (the default) the bytes are uploaded to EMX2; with posix only each file's path, size and
/// SHA-256 are registered and the bytes stay on the cluster filesystem (the path must be under
/// staging.allowed_posix_roots). The artifact is committed with its tree hash once all files are in. Shows
/// Write-Progress while uploading. Outputs the committed artifact.</remarks>
/// <example>
/// <code>Send-HpcArtifact -Path ./results -Name run-42-results -Type csv</code>
/// Uploads a results directory as one managed artifact.
/// </example>
/// <example>
/// <code>Get-ChildItem /groups/lab/exports/*.vcf.gz | Send-HpcArtifact -Residence posix -Type vcf</code>
/// Registers each file in place, one artifact per file.
/// </example>
[Cmdlet(VerbsCommunications.Send, "HpcArtifact", SupportsShouldProcess = true)]
[OutputType(typeof(Artifact))]
public sealed class SendHpcArtifactCommand : HpcCmdlet
{
    /// <summary>The file or directory to send. Accepts pipeline input, including FileInfo/DirectoryInfo objects
    /// (by their FullName).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Artifact name shown in EMX2. Default: the file or directory name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Artifact type (e.g. csv, vcf, blob).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Type { get; set; }

    /// <summary>managed: upload the bytes to EMX2. posix: register paths and hashes only; the files stay where they are.</summary>
    [Parameter]
    [ValidateSet(Residences.Managed, Residences.Posix)]
    public string Residence { get; set; } = Residences.Managed;

    private protected override string? FailureErrorId => ErrorIds.UploadFailed;

    protected override void ProcessRecord()
    {
        var path = ProviderPath(Path);
        if (!ShouldProcess(path, $"Send as {Residence} artifact")) return;
        var request = new SendArtifactRequest
        {
            Path = path,
            Name = Name,
            Type = Type,
            Residence = Residence,
        };
        Emit(path, (session, ct) => session.SendArtifactAsync(request, TransferProgressSink, ct), ArtifactMapping.ToArtifact);
    }
}
