using System.Runtime.InteropServices;

namespace Emx2Hpc.Core.FileSystem;

/// <summary>What a directory entry is, without following it if it is a symbolic link.</summary>
public enum FileKind { Missing, Regular, Directory, Symlink, Special }

/// <summary>lstat(2) for .NET. FileSystemInfo reports FIFOs, sockets and devices as ordinary files, and opening a
/// FIFO for reading blocks forever, so anything that hashes files a workload wrote must know the real type first.
/// On Unix this calls the runtime's own System.Native shim (shipped with every .NET runtime; its FileStatus struct
/// starts with int32 Flags, int32 Mode on all platforms and versions), so no libc struct layout is involved.</summary>
public static class FileKindProbe
{
    private const int TypeMask = 0xF000, Fifo = 0x1000, CharDevice = 0x2000, Dir = 0x4000, Block = 0x6000,
        Regular = 0x8000, Link = 0xA000, Socket = 0xC000;
    private const int ENOENT = 2, ENOTDIR = 20;

    // Generous: the real struct is ~120 bytes; only the Mode field at offset 4 is read.
    private const int StatusBufferSize = 512;

    private static volatile bool _nativeUnavailable;

    public static FileKind Of(string path)
    {
        if (OperatingSystem.IsWindows() || _nativeUnavailable) return Managed(path);
        var buffer = new byte[StatusBufferSize];
        int rc;
        try
        {
            rc = SystemNative.LStat(path, buffer);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _nativeUnavailable = true;
            return Managed(path);
        }
        if (rc != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return FileKind.Missing;
            throw new IOException($"cannot inspect '{path}' (errno {errno})");
        }
        return (BitConverter.ToInt32(buffer, 4) & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Dir => FileKind.Directory,
            Link => FileKind.Symlink,
            Fifo or CharDevice or Block or Socket => FileKind.Special,
            _ => FileKind.Special,
        };
    }

    // Windows has no FIFOs/devices in the file namespace, so the managed view is accurate there.
    private static FileKind Managed(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return FileKind.Symlink;
        if (Directory.Exists(path)) return FileKind.Directory;
        return info.Exists ? FileKind.Regular : FileKind.Missing;
    }

    private static class SystemNative
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
        public static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
    }
}
