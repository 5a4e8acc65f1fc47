using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Staging;

/// <summary>The read side of the EMX2 artifact API that input staging needs; the HTTP client implements it.
/// Kept this narrow so staging can be tested without HTTP and never uploads anything.</summary>
public interface IArtifactStore
{
    /// <summary>GET /api/hpc/artifacts/{id}.</summary>
    Task<ArtifactDto> GetArtifactAsync(string artifactId, CancellationToken ct);

    /// <summary>GET /api/hpc/artifacts/{id}/files, following every page (the reference daemon read only the
    /// first 100 rows and then failed the hash check on bigger inputs).</summary>
    Task<IReadOnlyList<ArtifactFileDto>> ListAllFilesAsync(string artifactId, CancellationToken ct);

    /// <summary>GET /api/hpc/artifacts/{id}/files/{path}, streaming the body into <paramref name="destination"/>
    /// without buffering it. The path is the raw server path; encoding it is the implementation's job.</summary>
    Task<DownloadedFile> DownloadFileAsync(string artifactId, string path, Stream destination, CancellationToken ct);
}

/// <summary>What a download reported besides the bytes: the server's X-Content-SHA256 header (null when the
/// server sent none) and the number of bytes written to the destination.</summary>
public sealed record DownloadedFile(string? ContentSha256Header, long Length);
