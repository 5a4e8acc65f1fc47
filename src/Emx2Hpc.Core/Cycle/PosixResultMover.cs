using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Moves a posix-residence job's collected results into <c>&lt;staging.posix_output_root&gt;/&lt;job id&gt;/</c>
/// before any artifact is registered, so EMX2's file:// URL points at a durable place and the job directory can go
/// with normal job retention. Every file is placed from the descriptor the collector checked and hashed: a hard link of
/// that inode when the root is on the same file system, else a copy written from it and hashed again on the way
/// (a file changed since collection fails the attempt). Nothing is re-resolved by name in the job-writable output/.
/// Write-ahead in SQLite: Moving before anything is created; the tree is built under a temporary name and renamed into
/// place; Moved, with the manifest, after. A kill -9 anywhere converges: while Moving, whatever this job left under the
/// root is removed and the move redone from output/ (still there: the job directory is only released after the final
/// report); once Moved, the manifest is registered without touching the files again.</summary>
internal sealed class PosixResultMover(CycleContext ctx)
{
    public async Task<PosixPlacement> PlaceAsync(string jobId, IReadOnlyList<OutputFile> logs, IReadOnlyList<OutputFile> outputs, CancellationToken ct)
    {
        var root = ctx.Config.Staging.PosixOutputRoot;
        var destination = Path.Join(root, jobId);
        var row = ctx.Store.GetPosixOutput(jobId);
        if (row is { State: not PosixOutputState.Moving, FilesJson: { } manifest }) return PosixPlacement.FromJson(row.Path, manifest);
        if (PosixOutputRoot.Ensure(root) is { } unsafeRoot) throw new IOException(unsafeRoot);

        using var rootDir = DirectoryHandle.Open(root, followLinks: true);
        if (row is null && rootDir.StatusOf(jobId) is { } found)
            throw new IOException($"{destination} already exists ({found.TypeName}) and was not made by this worker; the results of job " +
                                  $"{jobId} are not placed into it");
        ctx.Store.SetPosixOutput(jobId, destination, PosixOutputState.Moving);
        var partial = $".{jobId}.partial";
        rootDir.RemoveTree(partial); // an interrupted attempt's: ours by the Moving record, removed without following links
        rootDir.RemoveTree(jobId);   // renamed into place but not yet recorded Moved: redone rather than trusted

        var shared = PosixOutputRoot.SharedReadBits(root);
        if (!rootDir.TryCreateDirectory(partial, PrivateFiles.Directory | (UnixFileMode)shared))
            throw new IOException($"{Path.Join(root, partial)} appeared while the results of job {jobId} were being moved");
        using (var tree = rootDir.OpenDirectory(partial))
        {
            tree.SetPermissions(PrivateFiles.Directory | (UnixFileMode)shared);
            foreach (var file in logs.Concat(outputs))
            {
                ct.ThrowIfCancellationRequested();
                await PlaceFileAsync(tree, file, shared, ct);
            }
        }
        rootDir.Rename(partial, rootDir, jobId);

        var placement = new PosixPlacement(destination,
            logs.Select(f => f with { FullPath = Path.Join(destination, f.RelativePath), Content = null }).ToList(),
            outputs.Select(f => f with { FullPath = Path.Join(destination, f.RelativePath), Content = null }).ToList());
        ctx.Store.SetPosixOutput(jobId, destination, PosixOutputState.Moved, placement.ToJson(), ctx.Now);
        ctx.Log.Info($"moved {logs.Count + outputs.Count} posix result files of job {jobId} to {destination}", ("job_id", jobId));
        return placement;
    }

    private static async Task PlaceFileAsync(DirectoryHandle tree, OutputFile file, uint shared, CancellationToken ct)
    {
        var source = file.Content ?? throw new InvalidOperationException($"{file.RelativePath} was not collected by descriptor");
        var segments = file.RelativePath.Split('/');
        var dir = tree;
        try
        {
            for (var i = 0; i < segments.Length - 1; i++)
            {
                var created = dir.TryCreateDirectory(segments[i], PrivateFiles.Directory);
                var next = dir.OpenDirectory(segments[i]);
                if (created) next.SetPermissions(PrivateFiles.Directory | (UnixFileMode)shared);
                if (!ReferenceEquals(dir, tree)) dir.Dispose();
                dir = next;
            }
            var leaf = segments[^1];
            var status = DirectoryHandle.Status(source, file.FullPath);
            // Readable by whoever may read the root; never writable by anyone but this account; no set-id bits.
            var mode = 0x180u | (shared & 0x24u) | ((status.Permissions & 0x40u) != 0 ? 0x40u | (shared & 0x9u) : 0u);
            var errno = dir.TryLinkInode(source, leaf);
            if (errno == 0)
            {
                Libc.fchmod((int)source.DangerousGetHandle(), mode);
                return;
            }
            if (!HardLinker.CopyInstead(errno))
                throw new IOException($"cannot place {file.RelativePath} under the posix output root: {Libc.Describe(errno)}");
            using var target = dir.CreateFile(leaf, (UnixFileMode)mode);
            var (sha, _) = await ContentHash.CopyAsync(source, target, null, ct);
            if (!ContentHash.Same(sha, file.Sha256))
                throw new IOException($"{file.FullPath} changed after it was collected (sha256 {sha}, collected {file.Sha256}); moving it again next cycle");
        }
        finally
        {
            if (!ReferenceEquals(dir, tree)) dir.Dispose();
        }
    }
}
