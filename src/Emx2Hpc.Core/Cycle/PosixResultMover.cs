using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Moves a posix-residence job's collected results from its output/ into
/// <c>&lt;staging.posix_output_root&gt;/&lt;job id&gt;/</c> before any artifact is registered, so EMX2's file:// URL points
/// at a durable place and the job directory can go with normal job retention.
/// <para>Each file is renamed by descriptor (renameat between the open parent directories, never a path re-resolved
/// in the job-writable tree) and the renamed entry must then be the very inode the collector checked and hashed; if
/// the job swapped the name meanwhile, it is renamed back and the attempt fails. Across file systems the file is copied
/// from the checked descriptor instead, hashed on the way, and must match what was collected.</para>
/// <para>Write-ahead in SQLite: Moving before anything moves; the tree is built under a temporary name and renamed into
/// place; Moved, with the manifest EMX2 is given, after. Every file is in exactly one place at every instant, so a
/// kill -9 converges: while Moving, <see cref="Restore"/> (run before the next collection) renames what was moved back
/// into output/ and drops partial copies, and the move is redone; once Moved the manifest is registered without
/// touching the files again.</para></summary>
internal sealed class PosixResultMover(CycleContext ctx)
{
    private string Root => ctx.Config.Staging.PosixOutputRoot;

    public async Task<PosixPlacement> PlaceAsync(string jobId, JobDirectories dirs, IReadOnlyList<OutputFile> logs, IReadOnlyList<OutputFile> outputs,
        CancellationToken ct)
    {
        var destination = Path.Join(Root, jobId);
        var row = ctx.Store.GetPosixOutput(jobId);
        if (row is { State: not PosixOutputState.Moving, FilesJson: { } manifest }) return PosixPlacement.FromJson(row.Path, manifest);
        if (PosixOutputRoot.Ensure(Root) is { } unsafeRoot) throw new IOException(unsafeRoot);

        using var root = DirectoryHandle.Open(Root, followLinks: true);
        if (row is null && root.StatusOf(jobId) is { } found)
            throw new IOException($"{destination} already exists ({found.TypeName}) and was not made by this worker; the results of job " +
                                  $"{jobId} are not placed into it");
        ctx.Store.SetPosixOutput(jobId, destination, PosixOutputState.Moving);
        var partial = Partial(jobId);
        root.RemoveTree(partial); // nothing of the job's is left in these (Restore ran before collection); never followed
        root.RemoveTree(jobId);

        var shared = PosixOutputRoot.SharedReadBits(Root);
        var dirMode = PrivateFiles.Directory | (UnixFileMode)shared;
        if (!root.TryCreateDirectory(partial, PrivateFiles.Directory))
            throw new IOException($"{Path.Join(Root, partial)} appeared while the results of job {jobId} were being moved");
        using (var tree = root.OpenDirectory(partial))
        using (var job = DirectoryHandle.Open(dirs.Root))
        using (var output = job.OpenDirectory(Path.GetFileName(dirs.Output)))
        {
            tree.SetPermissions(dirMode);
            foreach (var file in logs.Concat(outputs))
            {
                ct.ThrowIfCancellationRequested();
                await MoveFileAsync(output, tree, file, shared, dirMode, ct);
            }
        }
        root.Rename(partial, root, jobId);

        var placement = new PosixPlacement(destination,
            logs.Select(f => f with { FullPath = Path.Join(destination, f.RelativePath), Content = null }).ToList(),
            outputs.Select(f => f with { FullPath = Path.Join(destination, f.RelativePath), Content = null }).ToList());
        ctx.Store.SetPosixOutput(jobId, destination, PosixOutputState.Moved, placement.ToJson(), ctx.Now);
        ctx.Log.Info($"moved {logs.Count + outputs.Count} posix result files of job {jobId} to {destination}", ("job_id", jobId));
        return placement;
    }

    /// <summary>Undoes an interrupted move (state Moving) so output/ holds every result again before it is collected:
    /// files renamed into the temporary or final tree go back to their place in output/ (a name the job has since
    /// reused keeps the job's file), copies are dropped, then both trees are removed without following links.</summary>
    public void Restore(string jobId, JobDirectories dirs)
    {
        if (ctx.Store.GetPosixOutput(jobId) is not { State: PosixOutputState.Moving }) return;
        if (!Directory.Exists(Root)) return;
        using var root = DirectoryHandle.Open(Root, followLinks: true);
        using var job = DirectoryHandle.Open(dirs.Root);
        using var output = job.OpenDirectory(Path.GetFileName(dirs.Output));
        var outputStatus = output.Status();
        foreach (var name in new[] { Partial(jobId), jobId })
        {
            if (root.StatusOf(name) is not { Kind: FileKind.Directory }) continue;
            using (var tree = root.OpenDirectory(name))
            {
                var limits = new WalkLimits { RefuseHardLinks = false, MaxDepth = Staging.OutputLimits.MaxDepth };
                foreach (var item in SafeTreeWalker.Walk(tree, limits))
                {
                    if (item.Handle is null) continue;
                    using (item.Handle)
                    {
                        // A copy is a new inode on another file system; its original never left output/.
                        if (item.Status.Device != outputStatus.Device) continue;
                        var (from, leaf) = (OpenParent(tree, item.RelativePath, create: false), Path.GetFileName(item.RelativePath));
                        using (from)
                        using (var to = OpenParent(output, item.RelativePath, create: true))
                            if (to.StatusOf(leaf) is null) from.Rename(leaf, to, leaf);
                    }
                }
            }
            root.RemoveTree(name);
        }
        ctx.Log.Warn($"an interrupted move of job {jobId}'s posix results was undone; moving them again", ("job_id", jobId));
    }

    private static async Task MoveFileAsync(DirectoryHandle output, DirectoryHandle tree, OutputFile file, uint shared, UnixFileMode dirMode,
        CancellationToken ct)
    {
        var source = file.Content ?? throw new InvalidOperationException($"{file.RelativePath} was not collected by descriptor");
        var leaf = Path.GetFileName(file.RelativePath);
        var checkedStatus = DirectoryHandle.Status(source, file.FullPath);
        // Readable by whoever may read the root; never writable by anyone but this account; no set-id bits.
        var mode = 0x180u | (shared & 0x24u) | ((checkedStatus.Permissions & 0x40u) != 0 ? 0x40u | (shared & 0x9u) : 0u);
        using var from = OpenParent(output, file.RelativePath, create: false);
        using var to = OpenParent(tree, file.RelativePath, create: true, dirMode);
        try
        {
            from.Rename(leaf, to, leaf);
        }
        catch (FileSystemException e) when (e.Errno == Libc.EXDEV)
        {
            using var target = to.CreateFile(leaf, (UnixFileMode)mode);
            var (sha, _) = await ContentHash.CopyAsync(source, target, null, ct);
            if (!ContentHash.Same(sha, file.Sha256))
                throw new IOException($"{file.FullPath} changed after it was collected (sha256 {sha}, collected {file.Sha256})");
            return;
        }
        if (to.StatusOf(leaf) is not { Kind: FileKind.Regular } moved || !moved.SameInode(checkedStatus))
        {
            to.Rename(leaf, from, leaf); // whatever the job swapped in goes back where it was
            throw new IOException($"{file.FullPath} was replaced after it was collected; it was put back and not published");
        }
        Libc.fchmod((int)source.DangerousGetHandle(), mode);
    }

    /// <summary>The directory holding <paramref name="relative"/>, opened segment by segment below
    /// <paramref name="top"/> without following links (created, private, when asked).</summary>
    private static DirectoryHandle OpenParent(DirectoryHandle top, string relative, bool create, UnixFileMode mode = PrivateFiles.Directory)
    {
        var dir = top.OpenDirectory(".");
        var segments = relative.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var created = create && dir.TryCreateDirectory(segments[i], PrivateFiles.Directory);
            var next = dir.OpenDirectory(segments[i]);
            dir.Dispose();
            dir = next;
            if (created) dir.SetPermissions(mode);
        }
        return dir;
    }

    private static string Partial(string jobId) => $".{jobId}.partial";
}
