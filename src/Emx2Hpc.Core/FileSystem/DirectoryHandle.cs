using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.FileSystem;

/// <summary>An open directory, used as the anchor for every operation below it (openat, statx, mkdirat, unlinkat).
/// Names are single path segments resolved against this descriptor, never against a path string, so renaming
/// or relinking anything above or beside it cannot redirect what we open. Every open uses O_NOFOLLOW (a link
/// fails with ELOOP instead of being followed), O_CLOEXEC (no descriptor leaks into sbatch or other children)
/// and, for files, O_NONBLOCK (opening a FIFO a job planted returns at once instead of blocking the worker).</summary>
public sealed class DirectoryHandle : IDisposable
{
    private readonly SafeFileHandle _fd;

    /// <summary>The path this handle was opened from or below: for messages only, never used to open anything.</summary>
    public string DisplayPath { get; }

    private DirectoryHandle(SafeFileHandle fd, string displayPath) { _fd = fd; DisplayPath = displayPath; }

    private int Fd => (int)_fd.DangerousGetHandle();

    /// <summary>Opens a directory by absolute path. With <paramref name="followLinks"/> false the last component
    /// must not be a link (intermediate components are the administrator's, e.g. /scratch -> /lustre/scratch).</summary>
    /// <exception cref="IOException">Missing, not a directory, or a link when links are refused.</exception>
    public static DirectoryHandle Open(string path, bool followLinks = false)
    {
        Libc.EnsureSupported();
        var flags = Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC | (followLinks ? 0 : Libc.O_NOFOLLOW);
        var fd = Libc.openat(Libc.AT_FDCWD, Libc.Z(path), flags, 0);
        if (fd < 0) throw Error(path, Libc.LastError);
        return new DirectoryHandle(new SafeFileHandle(fd, ownsHandle: true), path);
    }

    /// <summary>Opens the child directory <paramref name="name"/> without following a link.</summary>
    public DirectoryHandle OpenDirectory(ReadOnlySpan<byte> name, string displayName)
    {
        var fd = Libc.openat(Fd, Libc.Z(name), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Error(Join(displayName), Libc.LastError);
        return new DirectoryHandle(new SafeFileHandle(fd, ownsHandle: true), Join(displayName));
    }

    public DirectoryHandle OpenDirectory(string name) => OpenDirectory(Encoding.UTF8.GetBytes(name), name);

    /// <summary>Opens the child <paramref name="name"/> for reading: O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC. The caller
    /// must <see cref="Status(SafeFileHandle)"/> the result: what got opened may differ from what was listed.</summary>
    public SafeFileHandle OpenFileForReading(ReadOnlySpan<byte> name, string displayName)
    {
        var fd = Libc.openat(Fd, Libc.Z(name), Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Error(Join(displayName), Libc.LastError);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public SafeFileHandle OpenFileForReading(string name) => OpenFileForReading(Encoding.UTF8.GetBytes(name), name);

    /// <summary>Creates <paramref name="name"/> exclusively (O_CREAT|O_EXCL|O_NOFOLLOW): an existing file or link
    /// with that name is an error, never opened or followed.</summary>
    public SafeFileHandle CreateFile(string name, UnixFileMode mode)
    {
        var fd = Libc.openat(Fd, Libc.Z(name), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, (uint)mode);
        if (fd < 0) throw Error(Join(name), Libc.LastError);
        // The umask may have removed bits; set exactly what was asked for.
        Libc.fchmod(fd, (uint)mode);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>mkdirat: true when created, false when something already has that name (never followed).</summary>
    public bool TryCreateDirectory(string name, UnixFileMode mode)
    {
        if (Libc.mkdirat(Fd, Libc.Z(name), (uint)mode) == 0) return true;
        var errno = Libc.LastError;
        if (errno == Libc.EEXIST) return false;
        throw Error(Join(name), errno);
    }

    /// <summary>statx of the child without following a link; null when it does not exist.</summary>
    public FileStatus? StatusOf(ReadOnlySpan<byte> name)
    {
        var buffer = new byte[FileStatus.BufferSize];
        if (Libc.statx(Fd, Libc.Z(name), Libc.AT_SYMLINK_NOFOLLOW, FileStatus.BasicStats, buffer) == 0) return FileStatus.Parse(buffer);
        var errno = Libc.LastError;
        if (errno is Libc.ENOENT) return null;
        throw Error(Join(Encoding.UTF8.GetString(name)), errno);
    }

    public FileStatus? StatusOf(string name) => StatusOf(Encoding.UTF8.GetBytes(name));

    /// <summary>fstat of this directory itself.</summary>
    public FileStatus Status() => Status(_fd, DisplayPath);

    /// <summary>fstat of an open descriptor (statx with AT_EMPTY_PATH): the type and link count of what was opened.</summary>
    public static FileStatus Status(SafeFileHandle handle, string displayPath = "(descriptor)")
    {
        var buffer = new byte[FileStatus.BufferSize];
        if (Libc.statx((int)handle.DangerousGetHandle(), [0], Libc.AT_EMPTY_PATH, FileStatus.BasicStats, buffer) != 0)
            throw Error(displayPath, Libc.LastError);
        return FileStatus.Parse(buffer);
    }

    /// <summary>The entries of this directory except "." and "..", as raw name bytes (a name that is not UTF-8 is
    /// still a name, and must be reported, not silently mis-decoded). Read through a second, independent open of
    /// "." so listing never moves this handle's own position.</summary>
    public IReadOnlyList<byte[]> ListNames()
    {
        var fd = Libc.openat(Fd, Libc.Z("."), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Error(DisplayPath, Libc.LastError);
        var dir = Libc.fdopendir(fd);
        if (dir == IntPtr.Zero)
        {
            var errno = Libc.LastError;
            Libc.close(fd);
            throw Error(DisplayPath, errno);
        }
        var names = new List<byte[]>();
        try
        {
            while (true)
            {
                var entry = Libc.readdir(dir);
                if (entry == IntPtr.Zero) break;
                // struct dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name[] at offset 19.
                var name = ReadName(entry + 19);
                if (name is [(byte)'.'] or [(byte)'.', (byte)'.']) continue;
                names.Add(name);
            }
        }
        finally
        {
            Libc.closedir(dir); // closes fd too
        }
        return names;
    }

    /// <summary>Removes the child <paramref name="name"/> and, if it is a directory, everything below it, without
    /// ever following a link (links are unlinked, not entered). Missing is fine.</summary>
    public void RemoveTree(ReadOnlySpan<byte> name, string displayName)
    {
        var status = StatusOf(name);
        if (status is null) return;
        if (status.Value.Kind == FileKind.Directory)
        {
            using (var child = OpenDirectory(name, displayName))
                foreach (var entry in child.ListNames()) child.RemoveTree(entry, Encoding.UTF8.GetString(entry));
            if (Libc.unlinkat(Fd, Libc.Z(name), Libc.AT_REMOVEDIR) != 0 && Libc.LastError != Libc.ENOENT)
                throw Error(Join(displayName), Libc.LastError);
            return;
        }
        if (Libc.unlinkat(Fd, Libc.Z(name), 0) != 0 && Libc.LastError != Libc.ENOENT)
            throw Error(Join(displayName), Libc.LastError);
    }

    public void RemoveTree(string name) => RemoveTree(Encoding.UTF8.GetBytes(name), name);

    /// <summary>Gives the exact inode behind <paramref name="source"/> the new name <paramref name="name"/> in this
    /// directory (linkat of /proc/self/fd/N with AT_SYMLINK_FOLLOW: the magic link resolves to the open file itself,
    /// not to whatever its old name points at now). Returns 0, or the errno: EXDEV across file systems, EPERM when
    /// fs.protected_hardlinks refuses a file this account neither owns nor may write, ENOENT when the file was
    /// deleted or /proc is not mounted; the caller then copies from the same descriptor instead.</summary>
    public int TryLinkInode(SafeFileHandle source, string name)
    {
        var proc = Libc.Z($"/proc/self/fd/{(int)source.DangerousGetHandle()}");
        return Libc.linkat(Libc.AT_FDCWD, proc, Fd, Libc.Z(name), Libc.AT_SYMLINK_FOLLOW) == 0 ? 0 : Libc.LastError;
    }

    /// <summary>renameat from this directory to <paramref name="target"/> (atomic within one file system; an
    /// existing non-directory <paramref name="to"/> is replaced, never followed).</summary>
    public void Rename(string from, DirectoryHandle target, string to)
    {
        if (Libc.renameat(Fd, Libc.Z(from), target.Fd, Libc.Z(to)) != 0) throw Error(Join(from), Libc.LastError);
    }

    /// <summary>fchmod of this directory (mkdirat's mode is cut by the umask; this sets exactly what is asked).</summary>
    public void SetPermissions(UnixFileMode mode)
    {
        if (Libc.fchmod(Fd, (uint)mode) != 0) throw Error(DisplayPath, Libc.LastError);
    }

    /// <summary>Unlinks a non-directory child (a link itself, never its target). Missing is fine.</summary>
    public void Unlink(string name)
    {
        if (Libc.unlinkat(Fd, Libc.Z(name), 0) != 0 && Libc.LastError != Libc.ENOENT)
            throw Error(Join(name), Libc.LastError);
    }

    private static byte[] ReadName(IntPtr p)
    {
        var length = 0;
        while (System.Runtime.InteropServices.Marshal.ReadByte(p, length) != 0) length++;
        var name = new byte[length];
        System.Runtime.InteropServices.Marshal.Copy(p, name, 0, length);
        return name;
    }

    private string Join(string name) => DisplayPath.EndsWith('/') ? DisplayPath + name : DisplayPath + "/" + name;

    private static IOException Error(string path, int errno) => new FileSystemException(path, errno);

    public void Dispose() => _fd.Dispose();
}

/// <summary>A failed descriptor-relative operation; <see cref="Errno"/> says why (ELOOP: it was a link).</summary>
public sealed class FileSystemException(string path, int errno) : IOException($"'{path}' {Libc.Describe(errno)}")
{
    public string PathShown { get; } = path;
    public int Errno { get; } = errno;
    public bool WasLink => Errno == Libc.ELOOP;
}
