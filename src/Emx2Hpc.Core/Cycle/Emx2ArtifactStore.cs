using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Staging's narrow view of EMX2, served by the real client.</summary>
internal sealed class Emx2ArtifactStore(Emx2Client client) : IArtifactStore
{
    public Task<ArtifactDto> GetArtifactAsync(string artifactId, CancellationToken ct) => client.GetArtifactAsync(artifactId, ct);

    public Task<IReadOnlyList<ArtifactFileDto>> ListAllFilesAsync(string artifactId, CancellationToken ct) =>
        client.ListAllArtifactFilesAsync(artifactId, null, ct);

    public async Task<DownloadedFile> DownloadFileAsync(string artifactId, string path, Stream destination, CancellationToken ct)
    {
        var result = await client.DownloadFileAsync(artifactId, path, destination, null, ct);
        return new DownloadedFile(result.ContentSha256, result.Length);
    }
}
