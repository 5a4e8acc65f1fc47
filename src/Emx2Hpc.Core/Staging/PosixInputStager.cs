using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Staging;

/// <summary>Stages a posix artifact by linking <c>input/&lt;id&gt;</c> to its location on the shared filesystem. The
/// location comes from an EMX2 user, so it must resolve (all links followed) inside an administrator-approved root;
/// the link points at that resolved path so later changes to intermediate links cannot redirect the job.</summary>
internal sealed class PosixInputStager(StagingOptions options, HpcLog log)
{
    private const string FileScheme = "file://";

    /// <returns>The verified content hash, or null when the artifact declares none.</returns>
    public async Task<string?> StageAsync(ArtifactDto artifact, string linkPath, string stampFile, CancellationToken ct)
    {
        var id = artifact.Id;
        if (options.AllowedPosixRoots.Count == 0)
            throw new StagingException(
                $"posix input {id} refused: no allowed posix roots are configured (set staging.allowed_posix_roots)");

        var location = LocalLocation(artifact);
        string real;
        try
        {
            real = RealPath.Resolve(location);
        }
        catch (FileNotFoundException)
        {
            throw new StagingException($"posix input {id}: '{PathSafety.Describe(location)}' does not exist on this cluster");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StagingException($"posix input {id}: cannot resolve '{PathSafety.Describe(location)}': {e.Message}", e);
        }

        var roots = options.AllowedPosixRoots.Select(ResolvedRoot).ToList();
        if (!roots.Any(root => PathSafety.IsSameOrInside(root, real)))
            throw new StagingException(
                $"posix input {id}: '{PathSafety.Describe(location)}' resolves to '{PathSafety.Describe(real)}', " +
                $"which is outside staging.allowed_posix_roots ({string.Join(", ", roots)})");

        var kind = FileKindProbe.Of(real);
        if (kind is not (FileKind.Regular or FileKind.Directory))
            throw new StagingException($"posix input {id}: '{PathSafety.Describe(real)}' is not a regular file or directory");

        if (kind == FileKind.Directory) RefuseLinksInside(id, real, ct);

        if (SymlinkWriter.Ensure(linkPath, real))
            log.Debug("linked posix input", ("artifact_id", id), ("target", real));

        if (string.IsNullOrWhiteSpace(artifact.Sha256))
        {
            log.Warn("posix input declares no sha256; content not verified", ("artifact_id", id), ("path", real));
            return null;
        }

        var hashed = await PosixContentHasher.HashAsync(id, real, stampFile, ct).ConfigureAwait(false);
        log.Debug("verified posix input", ("artifact_id", id), ("files", hashed.Files), ("rehashed", hashed.Rehashed));
        if (!FileHasher.SameHash(hashed.TreeHash, artifact.Sha256))
            throw StagingException.HashMismatch($"artifact {id}", artifact.Sha256, hashed.TreeHash);
        return hashed.TreeHash;
    }

    /// <summary>Confinement all the way down: the job reaches every entry of the directory through the staged link,
    /// so a link inside it (to anywhere) or a FIFO/device would be a way out of the allowed roots or a way to block
    /// the job. The whole tree is walked by descriptor and the input refused on the first such entry.</summary>
    private static void RefuseLinksInside(string id, string real, CancellationToken ct)
    {
        try
        {
            using var root = DirectoryHandle.Open(real);
            foreach (var item in SafeTreeWalker.Walk(root, new WalkLimits { RefuseHardLinks = false, MaxDepth = 256 }, ct))
            {
                item.Handle?.Dispose();
                if (item.Problem is WalkProblem.SymbolicLink or WalkProblem.SpecialFile or WalkProblem.UnreadableDirectory or WalkProblem.TooDeep)
                    throw new StagingException(
                        $"posix input {id}: '{PathSafety.Describe(Path.Join(real, item.RelativePath))}' is a {item.Detail} inside the input " +
                        "(every entry of a posix input must be a regular file or directory inside the allowed roots)");
            }
        }
        catch (IOException e)
        {
            throw new StagingException($"posix input {id}: cannot walk '{PathSafety.Describe(real)}': {e.Message}", e);
        }
    }

    // content_url is "file://" + absolute path (the server enforces this at creation; checked again because the
    // artifact may predate that rule). The path is used verbatim, as the server's redirects do.
    private static string LocalLocation(ArtifactDto artifact)
    {
        var url = artifact.ContentUrl;
        if (url is null || !url.StartsWith(FileScheme, StringComparison.Ordinal))
            throw new StagingException(
                $"posix input {artifact.Id}: content_url '{PathSafety.Describe(url)}' is not a file:// URL");
        var path = url[FileScheme.Length..];
        if (!path.StartsWith('/') || path.Contains('\0'))
            throw new StagingException(
                $"posix input {artifact.Id}: content_url '{PathSafety.Describe(url)}' does not name an absolute path");
        return path;
    }

    // Roots may themselves be links (/data -> /mnt/lustre/data); compare against what they resolve to.
    private static string ResolvedRoot(string root)
    {
        try
        {
            return RealPath.Resolve(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.GetFullPath(root);
        }
    }
}
