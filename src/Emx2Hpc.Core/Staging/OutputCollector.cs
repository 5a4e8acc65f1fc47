using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Staging;

/// <summary>Walks a finished job's output directory and prepares what to upload. The directory is written by the
/// workload, i.e. by an EMX2 user: links are never followed (a link to /etc/passwd or to a staged input must not
/// be uploaded), special files are never opened (a FIFO would block), and names the server would refuse are
/// reported instead of failing the whole upload half-way.</summary>
public static class OutputCollector
{
    private const string TemporarySuffix = ".part";

    private sealed record Candidate(string RelativePath, string FullPath, bool IsLog);

    public static CollectedOutputs Collect(JobDirectories dirs)
    {
        var (candidates, skipped) = Survey(dirs.Output);
        var files = new List<(Candidate, OutputFile?)>(candidates.Count);
        foreach (var candidate in candidates)
            files.Add((candidate, Hashed(candidate, skipped, () => FileHasher.Hash(candidate.FullPath))));
        return Assemble(files, skipped);
    }

    public static async Task<CollectedOutputs> CollectAsync(JobDirectories dirs, CancellationToken ct = default)
    {
        var (candidates, skipped) = Survey(dirs.Output);
        var files = new List<(Candidate, OutputFile?)>(candidates.Count);
        foreach (var candidate in candidates)
        {
            (string, long)? hash = null;
            try
            {
                hash = await FileHasher.HashAsync(candidate.FullPath, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                skipped.Add($"{Shown(candidate.RelativePath)}: unreadable ({e.Message})");
            }
            files.Add((candidate, hash is { } h ? ToFile(candidate, h) : null));
        }
        return Assemble(files, skipped);
    }

    private static (List<Candidate>, List<string>) Survey(string outputDirectory)
    {
        var candidates = new List<Candidate>();
        var skipped = new List<string>();
        switch (FileKindProbe.Of(outputDirectory))
        {
            case FileKind.Directory:
                break;
            case FileKind.Missing:
                return (candidates, skipped);
            default:
                // A host-mode workload can replace output/ itself with a link to, say, its home directory.
                skipped.Add("./: the output directory is not a real directory (not followed, nothing uploaded)");
                return (candidates, skipped);
        }

        foreach (var entry in FileTreeWalker.Walk(outputDirectory))
        {
            var path = entry.RelativePath;
            switch (entry.Kind)
            {
                case TreeEntryKind.Symlink:
                    skipped.Add($"{Shown(path)}: symbolic link (not followed, not uploaded)");
                    continue;
                case TreeEntryKind.Special:
                    skipped.Add($"{Shown(path)}: not a regular file (fifo, socket or device)");
                    continue;
                case TreeEntryKind.BadName:
                    skipped.Add($"{Shown(path)}: {entry.Problem} (not uploaded)");
                    continue;
                case TreeEntryKind.Unreadable:
                    skipped.Add($"{(path.Length == 0 ? "." : Shown(path))}/: unreadable directory ({entry.Problem})");
                    continue;
            }
            if (path == ProgressReader.FileName) continue; // worker plumbing, never an output
            if (path.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            {
                skipped.Add($"{Shown(path)}: temporary file");
                continue;
            }
            var problem = PathSafety.LocalPathProblem(path);
            if (problem is not null)
            {
                skipped.Add($"{Shown(path)}: name not accepted by the server ({problem})");
                continue;
            }
            candidates.Add(new Candidate(path, entry.FullPath, OutputClassifier.IsLog(path)));
        }
        return (candidates, skipped);
    }

    private static OutputFile? Hashed(Candidate candidate, List<string> skipped, Func<(string, long)> hash)
    {
        try
        {
            return ToFile(candidate, hash());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            skipped.Add($"{Shown(candidate.RelativePath)}: unreadable ({e.Message})");
            return null;
        }
    }

    private static OutputFile ToFile(Candidate candidate, (string Sha256, long Size) hash) =>
        new(candidate.RelativePath, candidate.FullPath, hash.Size, hash.Sha256, ContentTypes.Guess(candidate.RelativePath));

    private static CollectedOutputs Assemble(List<(Candidate Candidate, OutputFile? File)> files, List<string> skipped)
    {
        var ordered = files.Where(f => f.File is not null).OrderBy(f => f.Candidate.RelativePath, StringComparer.Ordinal).ToList();
        return new CollectedOutputs(
            ordered.Where(f => !f.Candidate.IsLog).Select(f => f.File!).ToList(),
            ordered.Where(f => f.Candidate.IsLog).Select(f => f.File!).ToList(),
            skipped);
    }

    private static string Shown(string path) => PathSafety.Describe(path, 200);
}
