using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Staging;

/// <summary>Result of hashing a posix input: the tree hash (null for an empty directory) and how many files had to
/// be read versus taken from the verification stamp.</summary>
internal sealed record PosixHashResult(string? TreeHash, int Files, int Rehashed);

/// <summary>Hashes a posix input the way the server hashes artifacts: a single file is its own SHA-256, a directory
/// is the tree hash over its regular files by '/'-relative path. Links and special files inside the directory are
/// neither followed nor hashed. Unchanged files (same size and mtime as in the stamp) are not read again.</summary>
internal static class PosixContentHasher
{
    public static async Task<PosixHashResult> HashAsync(string artifactId, string realPath, string stampFile, CancellationToken ct)
    {
        var previous = VerificationStamp.Load(stampFile);
        var cache = new Dictionary<string, StampedFile>(StringComparer.Ordinal);
        if (previous is not null && previous.ArtifactId == artifactId && previous.Path == realPath)
            foreach (var file in previous.Files) cache.TryAdd(file.Path, file);

        var stamped = new List<StampedFile>();
        var rehashed = 0;
        foreach (var (relative, full) in ListFiles(artifactId, realPath))
        {
            ct.ThrowIfCancellationRequested();
            // Stat before hashing: if the file changes while being read the next run sees a new mtime and re-hashes.
            var info = new FileInfo(full);
            var size = info.Length;
            var mtime = info.LastWriteTimeUtc.Ticks;
            if (cache.TryGetValue(relative, out var known) && known.Size == size && known.MtimeTicks == mtime)
            {
                stamped.Add(known);
                continue;
            }
            var (sha, _) = await FileHasher.HashAsync(full, ct).ConfigureAwait(false);
            stamped.Add(new StampedFile(relative, size, mtime, sha));
            rehashed++;
        }

        new VerificationStamp { ArtifactId = artifactId, Path = realPath, Files = stamped }.Save(stampFile);
        var tree = TreeHash.Compute(stamped.Select(f => (f.Path, f.Sha256)));
        return new PosixHashResult(tree, stamped.Count, rehashed);
    }

    private static IEnumerable<(string Relative, string Full)> ListFiles(string artifactId, string realPath)
    {
        if (FileKindProbe.Of(realPath) == FileKind.Regular)
        {
            yield return ("", realPath);
            yield break;
        }
        foreach (var entry in FileTreeWalker.Walk(realPath))
        {
            if (entry.Kind == TreeEntryKind.Unreadable)
                throw new StagingException(
                    $"posix input {artifactId}: cannot read directory '{PathSafety.Describe(entry.FullPath)}': {entry.Problem}");
            if (entry.Kind == TreeEntryKind.File) yield return (entry.RelativePath, entry.FullPath);
        }
    }
}
