using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.PowerShell.Output.Mapping;

/// <summary>Protocol artifacts and download summaries → <see cref="Artifact"/> and <see cref="ArtifactDownload"/>.</summary>
internal static class ArtifactMapping
{
    public static Artifact ToArtifact(WorkerSession session, ArtifactDto dto) => new()
    {
        ArtifactId = dto.Id,
        Name = dto.Name,
        Type = dto.Type,
        Residence = ProtocolValues.Parse<ArtifactResidence>(dto.Residence),
        Status = ProtocolValues.Parse<ArtifactStatus>(dto.Status),
        Sha256 = dto.Sha256,
        SizeBytes = dto.SizeBytes,
        ContentUrl = dto.ContentUrl,
        CreatedAt = session.ServerTimeToUtc(dto.CreatedAt),
        CommittedAt = session.ServerTimeToUtc(dto.CommittedAt),
    };

    public static ArtifactDownload ToDownload(WorkerSession session, DownloadSummary summary) => new()
    {
        ArtifactId = summary.ArtifactId,
        FullName = summary.Directory,
        FileCount = summary.Files,
        SizeBytes = summary.Bytes,
    };
}
