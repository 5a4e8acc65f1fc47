using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

public sealed partial class Emx2Client
{
    /// <summary>POST /api/hpc/artifacts. Repeated only when the connection was refused before sending: every POST
    /// that reaches the server creates a new row, and the reference's blind retries left orphans.</summary>
    public Task<CreatedArtifactDto> CreateArtifactAsync(CreateArtifactRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync<CreatedArtifactDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("artifacts"))
        {
            Body = JsonBody.From(request),
            Retry = RetryMode.UnsentOnly,
        }, ct, a => string.IsNullOrEmpty(a.Id) ? "created artifact without id" : null);
    }

    /// <summary>GET /api/hpc/artifacts/{id}.</summary>
    public Task<ArtifactDto> GetArtifactAsync(string artifactId, CancellationToken ct = default) =>
        SendJsonAsync<ArtifactDto>(new ApiRequest(HttpMethod.Get, PathBuilder.Api("artifacts", artifactId)), ct, RequireArtifact);

    /// <summary>DELETE /api/hpc/artifacts/{id}. A 404 on a retry after a lost response counts as done.</summary>
    public Task DeleteArtifactAsync(string artifactId, CancellationToken ct = default) =>
        DeleteIdempotentAsync(PathBuilder.Api("artifacts", artifactId), ct);

    /// <summary>POST /artifacts/{id}/commit, retried. A retry after a lost response meets 409 "cannot be committed
    /// from status COMMITTED"; then the artifact is read back, and if it is COMMITTED with the hash this commit
    /// asked for, the commit is reported as the success it was. A Hash Mismatch is never reconciled.</summary>
    public async Task<ArtifactDto> CommitArtifactAsync(string artifactId, CommitRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var api = new ApiRequest(HttpMethod.Post, PathBuilder.Api("artifacts", artifactId, "commit")) { Body = JsonBody.From(request) };
        try
        {
            return await SendJsonAsync<ArtifactDto>(api, ct, RequireArtifact).ConfigureAwait(false);
        }
        catch (Emx2ConflictException ex) when (!ex.IsHashMismatch && (request.Sha256 is not null || ex.AfterUnconfirmedAttempt))
        {
            var artifact = await GetArtifactAsync(artifactId, ct).ConfigureAwait(false);
            var sameHash = request.Sha256 is null || string.Equals(artifact.Sha256, request.Sha256, StringComparison.Ordinal);
            if (artifact.Status == ArtifactStatus.Committed && sameHash)
            {
                _log.Info($"artifact {artifactId} was already committed with the expected hash; treating the commit as done",
                    ("artifact_id", artifactId), ("request_id", ex.RequestId));
                return artifact;
            }
            throw;
        }
    }

    /// <summary>GET /artifacts/{id}/files: one page, ordered by path.</summary>
    public Task<PagedList<ArtifactFileDto>> ListArtifactFilesPageAsync(string artifactId, string? prefix = null,
        int? limit = null, int? offset = null, CancellationToken ct = default) =>
        SendJsonAsync<PagedList<ArtifactFileDto>>(new ApiRequest(HttpMethod.Get, PathBuilder.WithQuery(
            PathBuilder.Api("artifacts", artifactId, "files"),
            ("prefix", string.IsNullOrEmpty(prefix) ? null : prefix),
            ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
            ("offset", offset?.ToString(CultureInfo.InvariantCulture)))), ct,
            page => page.Items.Any(f => f is null || string.IsNullOrEmpty(f.Path)) ? "file list with an item without path" : null);

    /// <summary>Every file of an artifact (optionally under a path prefix; note the server matches it with SQL LIKE,
    /// so '%' and '_' act as wildcards). Reads all pages: an input with more than 100 files staged only
    /// partially in the reference.</summary>
    public Task<IReadOnlyList<ArtifactFileDto>> ListAllArtifactFilesAsync(string artifactId, string? prefix = null, CancellationToken ct = default) =>
        Pager.CollectAsync(ProtocolConstants.DefaultPageLimit,
            (limit, offset, c) => ListArtifactFilesPageAsync(artifactId, prefix, limit, offset, c),
            f => string.IsNullOrEmpty(f.Id) ? "path:" + f.Path : f.Id, ct);
}
