using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Cycle;

/// <summary>The wire side of filling and committing an artifact, shared by the cycle's resumable publisher and
/// the Send-HpcArtifact operation. Managed residence uploads bytes; posix registers metadata only.</summary>
public static class ArtifactTransfer
{
    public static async Task PutAsync(Emx2Client client, string artifactId, string residence, OutputFile file, IProgress<long>? progress, CancellationToken ct)
    {
        if (residence == ArtifactResidence.Posix)
            await client.PutFileMetadataAsync(artifactId, file.RelativePath,
                new FileMetadataRequest { Sha256 = file.Sha256, SizeBytes = file.Size, ContentType = file.ContentType }, ct);
        else if (file.Content is not null)
            await client.UploadFileAsync(artifactId, file.RelativePath, file.Content, file.FullPath, file.Sha256, file.Size, file.ContentType, progress, ct);
        else
            await client.UploadFileAsync(artifactId, file.RelativePath, file.FullPath, file.Sha256, file.Size, file.ContentType, progress, ct);
    }

    /// <summary>Commits with the tree hash of <paramref name="files"/>. A hash mismatch means EMX2 holds a file
    /// we no longer have (or an older version of one): the strays are removed, what differs is re-sent, and the
    /// commit is tried once more.</summary>
    public static async Task<ArtifactDto> CommitAsync(Emx2Client client, string artifactId, string residence, IReadOnlyList<OutputFile> files, CancellationToken ct)
    {
        var request = new CommitRequest
        {
            Sha256 = TreeHash.Compute(files.Select(f => (f.RelativePath, f.Sha256))),
            SizeBytes = files.Sum(f => f.Size),
        };
        try
        {
            return await client.CommitArtifactAsync(artifactId, request, ct);
        }
        catch (Emx2ConflictException ex) when (ex.IsHashMismatch)
        {
            var wanted = files.ToDictionary(f => f.RelativePath, StringComparer.Ordinal);
            foreach (var remote in await client.ListAllArtifactFilesAsync(artifactId, null, ct))
            {
                if (!wanted.TryGetValue(remote.Path, out var local)) await client.DeleteFileAsync(artifactId, remote.Path, ct);
                else if (remote.Sha256 != local.Sha256) await PutAsync(client, artifactId, residence, local, null, ct);
            }
            return await client.CommitArtifactAsync(artifactId, request, ct);
        }
    }
}
