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
        DownloadResult result;
        try
        {
            result = await client.DownloadFileAsync(artifactId, path, destination, null, ct);
        }
        catch (Emx2ProtocolException ex) when (ex.Status is >= 200 and < 300)
        {
            // EMX2 answered 200 with bytes that are not the ones it recorded (X-Content-SHA256 / Content-Length):
            // the stored file is corrupt, and every retry would download the same bytes. Fail the job now with the
            // reason instead of retrying until the submission timeout hides it.
            throw new StagingException(
                $"{StagingException.InputHashMismatchPrefix} artifact {artifactId} file '{PathSafety.Describe(path)}': {ex.Detail}", ex);
        }
        return new DownloadedFile(result.ContentSha256, result.Length);
    }
}
