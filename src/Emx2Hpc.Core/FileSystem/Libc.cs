using System.Runtime.InteropServices;

namespace Emx2Hpc.Core.FileSystem;

/// <summary>The few libc calls that make descriptor-relative file access possible (openat, statx, mkdirat,
/// unlinkat, fdopendir, linkat, renameat). .NET only offers path-based APIs, and a path a job can write is re-resolved by the kernel
/// on every call, so a job can swap a component for a link between our check and our use. Linux only (the
/// product runs on Linux head nodes); <see cref="EnsureSupported"/> fails with a clear error elsewhere instead of
/// falling back to something unsafe.</summary>
internal static class Libc
{
    private const string Library = "libc";

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;
    public const int AT_SYMLINK_FOLLOW = 0x400;

    public const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

    // These two differ between architectures (x86-64 uses the generic values, arm64 the older ARM ones).
    public static readonly int O_DIRECTORY = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    public const int EEXIST = 17, ENOENT = 2, ENOTDIR = 20, ELOOP = 40, EINTR = 4, EXDEV = 18, EPERM = 1, EACCES = 13, EMLINK = 31;

    /// <summary>Throws <see cref="PlatformNotSupportedException"/> unless this is 64-bit Linux on x86-64 or arm64,
    /// the only layouts the constants and the dirent offset above are written for.</summary>
    public static void EnsureSupported()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException(
                "safe handling of job-writable files needs Linux (openat/statx); this worker refuses to run elsewhere");
        if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
            throw new PlatformNotSupportedException(
                $"safe handling of job-writable files is implemented for x86-64 and arm64 Linux, not {RuntimeInformation.ProcessArchitecture}");
    }

    [DllImport(Library, SetLastError = true)]
    public static extern int openat(int dirfd, byte[] path, int flags, uint mode);

    [DllImport(Library, SetLastError = true)]
    public static extern int close(int fd);

    [DllImport(Library, SetLastError = true)]
    public static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport(Library, SetLastError = true)]
    public static extern int mkdirat(int dirfd, byte[] path, uint mode);

    [DllImport(Library, SetLastError = true)]
    public static extern int unlinkat(int dirfd, byte[] path, int flags);

    [DllImport(Library, SetLastError = true)]
    public static extern int fchmod(int fd, uint mode);

    [DllImport(Library, SetLastError = true)]
    public static extern int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

    [DllImport(Library, SetLastError = true)]
    public static extern int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

    [DllImport(Library, SetLastError = true)]
    public static extern IntPtr fdopendir(int fd);

    [DllImport(Library, SetLastError = true, EntryPoint = "readdir64")]
    public static extern IntPtr readdir(IntPtr dir);

    [DllImport(Library, SetLastError = true)]
    public static extern int closedir(IntPtr dir);

    [DllImport(Library)]
    public static extern uint geteuid();

    [DllImport(Library)]
    public static extern uint umask(uint mask);

    /// <summary>NUL-terminated bytes of a name or path (names that are not UTF-8 are passed as their raw bytes).</summary>
    public static byte[] Z(ReadOnlySpan<byte> name)
    {
        var bytes = new byte[name.Length + 1];
        name.CopyTo(bytes);
        return bytes;
    }

    public static byte[] Z(string name) => Z(System.Text.Encoding.UTF8.GetBytes(name));

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => errno switch
    {
        ELOOP => "is a symbolic link",
        ENOENT => "does not exist",
        ENOTDIR => "is not a directory",
        EEXIST => "already exists",
        _ => $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})",
    };
}
