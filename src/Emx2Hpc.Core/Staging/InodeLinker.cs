using Emx2Hpc.Core.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Staging;

/// <summary>How a checked posix input file gets its name in the job's view: a hard link of the opened inode. Returns
/// 0 or the errno; the view copies from the same descriptor when linking is not possible. A seam only so tests can
/// play the kernel refusing (fs.protected_hardlinks does not apply to root, who runs the tests).</summary>
internal interface IInodeLinker
{
    int Link(SafeFileHandle source, DirectoryHandle directory, string name);
}

internal sealed class HardLinker : IInodeLinker
{
    public static readonly HardLinker Instance = new();

    public int Link(SafeFileHandle source, DirectoryHandle directory, string name) => directory.TryLinkInode(source, name);

    /// <summary>Errors that mean "make a copy instead": another file system, the kernel's hard-link protection or a
    /// file we may not link, a file deleted since it was opened (its name is gone, its bytes are not), too many links.</summary>
    public static bool CopyInstead(int errno) => errno is Libc.EXDEV or Libc.EPERM or Libc.EACCES or Libc.ENOENT or Libc.EMLINK;
}

/// <summary>How many bytes a job's posix inputs may be copied for (<c>staging.max_posix_copy_bytes</c>), shared by all
/// its inputs: copies land in the jobs root, and an input too large to copy must be refused before it fills that disk.</summary>
internal sealed class CopyBudget(long limit)
{
    public long Limit { get; } = limit;
    public long Used { get; private set; }

    /// <exception cref="StagingException">Copying <paramref name="bytes"/> more would exceed the limit.</exception>
    public void Take(string artifactId, string path, long bytes)
    {
        if (Used + bytes > Limit)
            throw new StagingException(
                $"posix input {artifactId}: '{PathSafety.Describe(path)}' cannot be hard-linked into the job (another file system, or " +
                $"fs.protected_hardlinks) and copying it would take the job's copied inputs to {Used + bytes} bytes, over " +
                $"staging.max_posix_copy_bytes ({Limit}); put the jobs root on the same file system as the allowed posix roots, " +
                "or raise the limit");
        Used += bytes;
    }

    public void Add(long bytes) => Used += bytes;
}
