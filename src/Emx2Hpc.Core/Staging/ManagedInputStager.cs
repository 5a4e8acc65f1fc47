using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Staging;

/// <summary>Downloads a managed artifact into <c>input/&lt;id&gt;/</c>. File paths come from the server (ultimately
/// from whoever uploaded the artifact), so every one is validated and mapped inside the destination before
/// anything is written. Each file is verified before it becomes visible, and files already present with the
/// right hash are kept, so a retry after a crash resumes instead of starting over.</summary>
internal sealed class ManagedInputStager(IArtifactStore store, HpcLog log)
{
    private const string PartSuffix = ".part";

    private sealed record PlannedFile(ArtifactFileDto Row, string LocalPath);

    /// <returns>The verified tree hash (null for an artifact without files).</returns>
    public async Task<string?> StageAsync(ArtifactDto artifact, string destination, CancellationToken ct)
    {
        var id = artifact.Id;
        var rows = await store.ListAllFilesAsync(id, ct).ConfigureAwait(false);
        var plan = Plan(id, destination, rows); // throws before any write when a path is hostile
        PrepareDestination(destination);

        var actual = new List<(string Path, string Sha256)>(plan.Count);
        int downloaded = 0, reused = 0;
        foreach (var file in plan)
        {
            ct.ThrowIfCancellationRequested();
            var (sha, fetched) = await EnsureFileAsync(id, destination, file, ct).ConfigureAwait(false);
            actual.Add((file.Row.Path, sha));
            if (fetched) downloaded++; else reused++;
        }

        var tree = TreeHash.Compute(actual);
        if (string.IsNullOrWhiteSpace(artifact.Sha256))
            log.Warn("managed input declares no sha256; tree not verified", ("artifact_id", id));
        else if (!FileHasher.SameHash(tree, artifact.Sha256))
            throw StagingException.HashMismatch($"artifact {id}", artifact.Sha256, tree);

        log.Info("downloaded managed input", ("artifact_id", id), ("files", plan.Count),
            ("downloaded", downloaded), ("reused", reused));
        return tree;
    }

    private static List<PlannedFile> Plan(string id, string destination, IReadOnlyList<ArtifactFileDto> rows)
    {
        var plan = new List<PlannedFile>(rows.Count);
        var targets = new HashSet<string>(StringComparer.Ordinal);
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var problem = PathSafety.LocalPathProblem(row.Path);
            if (problem is not null)
                throw new StagingException($"managed input {id}: file path '{PathSafety.Describe(row.Path)}' rejected: {problem}");
            var local = Path.GetFullPath(Path.Join(destination, row.Path.Replace('/', Path.DirectorySeparatorChar)));
            if (!PathSafety.IsInside(destination, local))
                throw new StagingException($"managed input {id}: file path '{PathSafety.Describe(row.Path)}' leaves the input directory");
            if (!targets.Add(local))
                throw new StagingException($"managed input {id}: file path '{PathSafety.Describe(row.Path)}' is listed twice");
            for (var dir = Path.GetDirectoryName(local); dir is not null && PathSafety.IsInside(destination, dir); dir = Path.GetDirectoryName(dir))
                parents.Add(dir);
            plan.Add(new PlannedFile(row, local));
        }
        // "a" as a file and "a/b" both listed cannot coexist on disk; say so instead of failing half-way.
        var clash = plan.FirstOrDefault(p => parents.Contains(p.LocalPath));
        if (clash is not null)
            throw new StagingException($"managed input {id}: file '{PathSafety.Describe(clash.Row.Path)}' is also a directory of another file");
        return plan;
    }

    // input/<id> may hold a link or file from an earlier attempt; a real directory is kept so downloads resume.
    private static void PrepareDestination(string destination)
    {
        switch (FileKindProbe.Of(destination))
        {
            case FileKind.Symlink or FileKind.Regular or FileKind.Special:
                File.Delete(destination);
                break;
        }
        Directory.CreateDirectory(destination);
    }

    private async Task<(string Sha256, bool Downloaded)> EnsureFileAsync(string id, string destination, PlannedFile file, CancellationToken ct)
    {
        // Nothing we create is a link, so a link on the way means someone else put it there to redirect writes.
        if (PathSafety.ContainsSymlink(destination, file.LocalPath))
            throw new StagingException($"managed input {id}: '{PathSafety.Describe(file.Row.Path)}' would be written through a symbolic link");
        var existing = await ReusableHashAsync(id, file, ct).ConfigureAwait(false);
        return existing is not null ? (existing, false) : (await DownloadAsync(id, file, ct).ConfigureAwait(false), true);
    }

    /// <summary>The hash of a file already in place with the expected content (a resumed staging), else null after
    /// clearing whatever occupies the path.</summary>
    private static async Task<string?> ReusableHashAsync(string id, PlannedFile file, CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.LocalPath)!);
            switch (FileKindProbe.Of(file.LocalPath))
            {
                case FileKind.Regular when file.Row.Sha256 is not null:
                    var (existing, _) = await FileHasher.HashAsync(file.LocalPath, ct).ConfigureAwait(false);
                    if (!FileHasher.SameHash(existing, file.Row.Sha256)) return null;
                    var part = file.LocalPath + PartSuffix; // debris of an interrupted earlier download
                    if (FileKindProbe.Of(part) == FileKind.Regular) File.Delete(part);
                    return existing;
                case FileKind.Directory:
                    Directory.Delete(file.LocalPath, recursive: true); // stale; the plan says this is a file
                    return null;
                case FileKind.Special:
                    File.Delete(file.LocalPath);
                    return null;
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LocalWriteFailure(id, file, e);
        }
    }

    private async Task<string> DownloadAsync(string id, PlannedFile file, CancellationToken ct)
    {
        var row = file.Row;
        var part = file.LocalPath + PartSuffix;
        FileStream stream;
        try
        {
            if (FileKindProbe.Of(part) is not (FileKind.Missing or FileKind.Regular)) File.Delete(part);
            stream = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LocalWriteFailure(id, file, e);
        }

        try
        {
            string actual;
            DownloadedFile result;
            // Transfer errors propagate unchanged: they may be transient, unlike the failures wrapped here.
            await using (stream)
            // The listing declares each file's size; a server streaming more (broken, or hostile) is stopped there
            // instead of filling the job file system.
            using (var hashing = new HashingWriteStream(stream, row.SizeBytes, max => new StagingException(
                       $"managed input {id}: file '{PathSafety.Describe(row.Path)}' is larger than the {max} bytes its listing declares; download stopped")))
            {
                result = await store.DownloadFileAsync(id, row.Path, hashing, ct).ConfigureAwait(false);
                await hashing.FlushAsync(ct).ConfigureAwait(false);
                actual = hashing.CurrentHash();
            }

            var what = $"artifact {id} file '{PathSafety.Describe(row.Path)}'";
            if (row.Sha256 is not null && !FileHasher.SameHash(actual, row.Sha256))
                throw StagingException.HashMismatch(what, row.Sha256, actual);
            if (result.ContentSha256Header is not null && !FileHasher.SameHash(actual, result.ContentSha256Header))
                throw StagingException.HashMismatch(what + " (X-Content-SHA256)", result.ContentSha256Header, actual);

            try
            {
                File.Move(part, file.LocalPath, overwrite: true); // the verified file appears atomically
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw LocalWriteFailure(id, file, e);
            }
            log.Debug("downloaded input file", ("artifact_id", id), ("path", row.Path));
            return actual;
        }
        catch
        {
            TryDelete(part);
            throw;
        }
    }

    private static StagingException LocalWriteFailure(string id, PlannedFile file, Exception e) =>
        new($"managed input {id}: cannot write '{PathSafety.Describe(file.Row.Path)}': {e.Message}", e);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort */ }
    }
}
