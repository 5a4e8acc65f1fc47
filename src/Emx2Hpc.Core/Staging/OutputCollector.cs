using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Staging;

/// <summary>Walks a finished job's output directory and prepares what to upload. The directory is written by the
/// workload, i.e. by an EMX2 user, so it is walked by descriptor (see <see cref="SafeTreeWalker"/>): links are
/// never followed, FIFOs and devices never opened, hard links refused, and every file is hashed — and later
/// uploaded — from the one descriptor that was checked. Such entries, and exceeding the output limits, are
/// <see cref="CollectedOutputs.Refused"/> (the job fails with the reason); names the server would refuse and
/// temporary files are only skipped. Log files (top-level Slurm/container captures) are collected first and on
/// their own, so a job over its limits still gets its logs uploaded.</summary>
public static class OutputCollector
{
    private const string TemporarySuffix = ".part";

    public static CollectedOutputs Collect(JobDirectories dirs, OutputLimits? limits = null, CancellationToken ct = default) =>
        CollectAsync(dirs, limits, ct).GetAwaiter().GetResult();

    public static Task<CollectedOutputs> CollectAsync(JobDirectories dirs, CancellationToken ct) => CollectAsync(dirs, null, ct);

    public static async Task<CollectedOutputs> CollectAsync(JobDirectories dirs, OutputLimits? limits = null, CancellationToken ct = default)
    {
        DirectoryHandle output;
        try
        {
            using var job = DirectoryHandle.Open(dirs.Root);
            output = job.OpenDirectory(Path.GetFileName(dirs.Output));
        }
        catch (FileSystemException e) when (e.Errno == Libc.ENOENT)
        {
            return new CollectedOutputs([], [], []);
        }
        catch (FileSystemException e) when (e.Errno is Libc.ELOOP or Libc.ENOTDIR)
        {
            // A host-mode workload can replace output/ itself with a link to, say, its home directory.
            const string note = "./: the output directory is not a real directory (not followed, nothing uploaded)";
            return new CollectedOutputs([], [], [note]) { Refused = [note] };
        }
        using (output)
            return await CollectAsync(output, dirs.Output, limits ?? OutputLimits.Default, classifyLogs: true, ct).ConfigureAwait(false);
    }

    /// <summary>Collects any directory the same way (Send-HpcArtifact): every file goes to Outputs.</summary>
    public static Task<CollectedOutputs> CollectTreeAsync(DirectoryHandle root, OutputLimits limits, CancellationToken ct) =>
        CollectAsync(root, root.DisplayPath, limits, classifyLogs: false, ct);

    private static async Task<CollectedOutputs> CollectAsync(DirectoryHandle root, string rootPath, OutputLimits limits, bool classifyLogs,
        CancellationToken ct)
    {
        var skipped = new List<string>();
        var refused = new List<string>();
        var logs = new List<OutputFile>();
        var outputs = new List<OutputFile>();
        try
        {
            if (classifyLogs)
            {
                // Logs: top-level names only, each bounded by the byte limit on its own.
                var logLimits = new WalkLimits { MaxDepth = 0, MaxBytes = long.MaxValue, SkipTopLevel = name => !OutputClassifier.IsLog(name) };
                foreach (var item in SafeTreeWalker.Walk(root, logLimits, ct))
                {
                    if (item.Handle is not null && item.Status.Size > limits.MaxBytes)
                    {
                        item.Handle.Dispose();
                        Note(item with { Handle = null, Problem = WalkProblem.TooLarge, Detail = $"log file larger than {limits.MaxBytes} bytes" });
                        continue;
                    }
                    if (item.Problem == WalkProblem.TooDeep) continue; // a directory named like a log: not a log
                    await Accept(item, logs).ConfigureAwait(false);
                }
            }

            var walkLimits = new WalkLimits
            {
                MaxDepth = OutputLimits.MaxDepth, MaxEntries = limits.MaxFiles, MaxBytes = limits.MaxBytes,
                SkipTopLevel = classifyLogs ? OutputClassifier.IsLog : null,
            };
            foreach (var item in SafeTreeWalker.Walk(root, walkLimits, ct))
            {
                if (item.Handle is null)
                {
                    Note(item);
                    continue;
                }
                var path = item.RelativePath;
                if (classifyLogs && path == ProgressReader.FileName)
                {
                    item.Handle.Dispose(); // worker plumbing, never an output
                    continue;
                }
                if (path.EndsWith(TemporarySuffix, StringComparison.Ordinal))
                {
                    item.Handle.Dispose();
                    skipped.Add($"{Shown(path)}: temporary file");
                    continue;
                }
                var problem = PathSafety.LocalPathProblem(path);
                if (problem is not null)
                {
                    item.Handle.Dispose();
                    skipped.Add($"{Shown(path)}: name not accepted by the server ({problem})");
                    continue;
                }
                await Accept(item, outputs).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var file in outputs.Concat(logs)) file.Content?.Dispose();
            throw;
        }
        return new CollectedOutputs(
            outputs.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList(),
            logs.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList(),
            skipped) { Refused = refused };

        async Task Accept(WalkItem item, List<OutputFile> into)
        {
            if (item.Handle is null)
            {
                Note(item);
                return;
            }
            try
            {
                var (sha, size) = await ContentHash.OfAsync(item.Handle, ct).ConfigureAwait(false);
                into.Add(new OutputFile(item.RelativePath, Path.Join(rootPath, item.RelativePath), size, sha, ContentTypes.Guess(item.RelativePath))
                {
                    Content = item.Handle,
                });
            }
            catch
            {
                item.Handle.Dispose();
                throw;
            }
        }

        void Note(WalkItem item)
        {
            var path = item.RelativePath.Length == 0 ? "." : Shown(item.RelativePath);
            var (line, fatal) = item.Problem switch
            {
                WalkProblem.SymbolicLink => ($"{path}: symbolic link (not followed, not uploaded)", true),
                WalkProblem.SpecialFile => ($"{path}: not a regular file (fifo, socket or device)", true),
                WalkProblem.HardLink => ($"{path}: {item.Detail}; not uploaded", true),
                WalkProblem.BadName => ($"{path}: {item.Detail} (not uploaded)", false),
                WalkProblem.PathTooLong => ($"{path}: {item.Detail} (not entered, nothing below it can be uploaded)", false),
                WalkProblem.UnreadableDirectory => ($"{path}: unreadable ({item.Detail})", true),
                WalkProblem.TooDeep => ($"{path}: {item.Detail} (output limit)", true),
                WalkProblem.TooManyEntries => ($"output has {item.Detail} (output limit max_output_files; collection stopped at {path})", true),
                WalkProblem.TooLarge => ($"{path}: {item.Detail} (output limit max_output_bytes)", true),
                _ => ($"{path}: {item.Detail}", true),
            };
            skipped.Add(line);
            if (fatal) refused.Add(line);
        }
    }

    private static string Shown(string path) => PathSafety.Describe(path, 200);
}
