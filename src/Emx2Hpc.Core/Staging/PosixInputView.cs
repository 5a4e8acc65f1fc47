using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Staging;

/// <summary>What one view build produced: the tree hash of exactly the files placed in the view (null when not
/// verified, or for an empty directory) and how they got there.</summary>
internal sealed record PosixViewResult(string? TreeHash, int Files, int Linked, int Copied, long CopiedBytes);

/// <summary>Builds the job's view of a posix input from the descriptors that were checked: every file of the input is
/// opened once (O_NOFOLLOW|O_NONBLOCK, regular by fstat), hashed from that descriptor, and given a name in the view
/// that no later rename can redirect — a hard link of that very inode, or, where the kernel refuses one (another file
/// system, fs.protected_hardlinks), a private copy written from the same descriptor while hashing it. Directories
/// become private directories. A link, FIFO, device or unreadable entry anywhere refuses the input.</summary>
internal sealed class PosixInputView(IInodeLinker linker, CopyBudget budget)
{
    /// <summary>Creates <paramref name="name"/> in <paramref name="input"/> (which must not exist) from
    /// <paramref name="source"/>. On failure whatever was created is left for the caller to remove.</summary>
    public async Task<PosixViewResult> BuildAsync(string artifactId, PosixSource source, DirectoryHandle input, string name, bool verify,
        CancellationToken ct)
    {
        var files = new List<(string Path, string? Sha)>();
        int linked = 0, copied = 0;
        long copiedBytes = 0;

        if (source.File is { } single)
        {
            await PlaceAsync(single, input, name, "").ConfigureAwait(false);
            return Result();
        }

        if (!input.TryCreateDirectory(name, PrivateFiles.Directory))
            throw new IOException($"'{input.DisplayPath}/{name}' already exists");
        using var view = input.OpenDirectory(name);
        var current = ("", (DirectoryHandle?)null);
        try
        {
            var limits = new WalkLimits { RefuseHardLinks = false, MaxDepth = 256, ReportDirectories = true };
            foreach (var item in SafeTreeWalker.Walk(source.Directory!, limits, ct))
            {
                if (item.Problem is not null)
                    throw new StagingException(
                        $"posix input {artifactId}: '{PathSafety.Describe(Path.Join(source.ResolvedPath, item.RelativePath))}' is a " +
                        $"{item.Detail} inside the input (every entry of a posix input must be a regular file or directory inside the allowed roots)");
                var (parent, leaf) = Split(item.RelativePath);
                if (current.Item1 != parent || current.Item2 is null)
                {
                    current.Item2?.Dispose();
                    current = (parent, OpenBelow(view, parent));
                }
                if (item.Handle is null)
                {
                    // Fresh directory, created by us a moment ago: an existing name here means something raced us.
                    if (!current.Item2!.TryCreateDirectory(leaf, PrivateFiles.Directory))
                        throw new IOException($"'{item.RelativePath}' appeared in the view while it was being built");
                    continue;
                }
                using (item.Handle)
                    await PlaceAsync(item.Handle, current.Item2!, leaf, item.RelativePath).ConfigureAwait(false);
            }
        }
        finally
        {
            current.Item2?.Dispose();
        }
        return Result();

        PosixViewResult Result() => new(
            verify ? TreeHash.Compute(files.Select(f => (f.Path, f.Sha!))) : null, files.Count, linked, copied, copiedBytes);

        async Task PlaceAsync(SafeFileHandle handle, DirectoryHandle into, string leaf, string relative)
        {
            var errno = linker.Link(handle, into, leaf);
            if (errno == 0)
            {
                linked++;
                files.Add((relative, verify ? (await ContentHash.OfAsync(handle, ct).ConfigureAwait(false)).Sha256 : null));
                return;
            }
            if (!HardLinker.CopyInstead(errno))
                throw new IOException($"cannot link '{Path.Join(source.ResolvedPath, relative)}' into the job: {Libc.Describe(errno)}");
            var status = DirectoryHandle.Status(handle);
            var shown = relative.Length == 0 ? source.ResolvedPath : Path.Join(source.ResolvedPath, relative);
            budget.Take(artifactId, shown, status.Size);
            var (sha, size) = await CopyAsync(handle, into, leaf, status, artifactId, shown, ct).ConfigureAwait(false);
            copied++;
            copiedBytes += size;
            files.Add((relative, sha));
        }
    }

    /// <summary>Writes a private copy (O_CREAT|O_EXCL|O_NOFOLLOW, 0600, or 0700 when the source is executable by its
    /// owner) from the checked descriptor, hashing the bytes as they are written, so the hash describes the copy.</summary>
    private async Task<(string Sha, long Size)> CopyAsync(SafeFileHandle source, DirectoryHandle into, string leaf, FileStatus status,
        string artifactId, string shown, CancellationToken ct)
    {
        var mode = (status.Permissions & 0x40) != 0 ? PrivateFiles.Directory : PrivateFiles.File;
        using var target = into.CreateFile(leaf, mode);
        var charged = status.Size;
        // A file that grows while being copied must not slip past the limit its size was checked against.
        return await ContentHash.CopyAsync(source, target, total =>
        {
            if (total <= charged) return;
            budget.Take(artifactId, shown, total - charged);
            charged = total;
        }, ct).ConfigureAwait(false);
    }

    private static DirectoryHandle OpenBelow(DirectoryHandle view, string relative)
    {
        var dir = view.OpenDirectory(".");
        if (relative.Length == 0) return dir;
        foreach (var segment in relative.Split('/'))
        {
            var next = dir.OpenDirectory(segment);
            dir.Dispose();
            dir = next;
        }
        return dir;
    }

    private static (string Parent, string Leaf) Split(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash < 0 ? ("", relative) : (relative[..slash], relative[(slash + 1)..]);
    }
}
