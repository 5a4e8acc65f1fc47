using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Staging;

/// <summary>Stages a posix artifact as a private view at <c>input/&lt;id&gt;</c>: the location must resolve inside an
/// administrator-approved root (<see cref="PosixSource"/>), and the job then reads hard links of (or copies from) the
/// very inodes that were checked and hashed (<see cref="PosixInputView"/>), so renaming the original, or a directory on
/// its path, after staging changes nothing the job sees. The view is built under a temporary name and renamed into
/// place only once verified; the journal records it as Building before and Ready after.</summary>
internal sealed class PosixInputStager(StagingOptions options, IStagedInputJournal journal, HpcLog log)
{
    private const string FileScheme = "file://";

    /// <returns>The verified content hash, or null when the artifact declares none.</returns>
    public async Task<string?> StageAsync(string jobId, ArtifactDto artifact, string inputDirectory, CopyBudget budget, CancellationToken ct)
    {
        var id = artifact.Id;
        if (options.AllowedPosixRoots.Count == 0)
            throw new StagingException(
                $"posix input {id} refused: no allowed posix roots are configured (set staging.allowed_posix_roots)");
        var location = LocalLocation(artifact);
        var verify = !string.IsNullOrWhiteSpace(artifact.Sha256);

        using var input = DirectoryHandle.Open(inputDirectory);
        if (journal.Find(jobId, id) is { Ready: true } done && input.StatusOf(id) is { Kind: FileKind.Regular or FileKind.Directory })
        {
            budget.Add(done.CopiedBytes);
            log.Debug("posix input view already staged", ("artifact_id", id));
            return verify ? done.TreeSha256 : null;
        }

        journal.Building(jobId, id);
        var partial = $".{id}.partial";
        input.RemoveTree(partial); // left by an attempt that was killed; ours, never followed
        PosixViewResult view;
        try
        {
            using var source = PosixSource.Open(id, location, options.AllowedPosixRoots);
            view = await new PosixInputView(options.Linker, budget).BuildAsync(id, source, input, partial, verify, ct).ConfigureAwait(false);
            if (verify && !FileHasher.SameHash(view.TreeHash, artifact.Sha256))
                throw StagingException.HashMismatch($"artifact {id}", artifact.Sha256!, view.TreeHash);
            input.RemoveTree(id); // an older view, or whatever an earlier attempt left under the final name
            input.Rename(partial, input, id);
        }
        catch
        {
            TryRemove(input, partial);
            throw;
        }
        journal.Ready(jobId, id, view.TreeHash, view.Linked, view.Copied, view.CopiedBytes);
        if (!verify) log.Warn("posix input declares no sha256; content not verified", ("artifact_id", id), ("path", location));
        log.Debug("staged posix input view", ("artifact_id", id), ("files", view.Files), ("linked", view.Linked), ("copied", view.Copied),
            ("copied_bytes", view.CopiedBytes));
        return view.TreeHash;
    }

    private static void TryRemove(DirectoryHandle input, string name)
    {
        try
        {
            input.RemoveTree(name);
        }
        catch (IOException)
        {
            // the next attempt removes it before building (the journal says Building)
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
}
