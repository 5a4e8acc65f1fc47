namespace Emx2Hpc.Core.FileSystem;

/// <summary>The durable directory posix-residence results are moved to (<c>staging.posix_output_root</c>). EMX2 hands
/// out file:// URLs below it for as long as the artifacts exist, so whoever could write it could swap a published
/// result: it must be owned by the service account and not writable by group or others. Unlike the jobs root it may
/// be readable by others — that is how cluster users read posix results. Created 0700 when missing; checked by
/// <c>check</c> and before every move.</summary>
public static class PosixOutputRoot
{
    /// <summary>Creates <paramref name="path"/> (0700) if missing, then verifies it: null when safe, else the reason.</summary>
    public static string? Ensure(string path)
    {
        try
        {
            PrivateFiles.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"posix output root {path} cannot be created: {e.Message}";
        }
        return Verify(path);
    }

    public static string? Verify(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        FileStatus status;
        try
        {
            using var dir = DirectoryHandle.Open(path, followLinks: true);
            status = dir.Status();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return $"posix output root {path}: {e.Message}";
        }
        var me = Libc.geteuid();
        if (status.Uid != me)
            return $"posix output root {path} is owned by uid {status.Uid}, not by this service account (uid {me}); " +
                   "its owner could replace results EMX2 points at. Use a directory this account owns";
        if ((status.Permissions & 0x12) != 0)
            return $"posix output root {path} has mode {Convert.ToString(status.Permissions, 8).PadLeft(4, '0')}: group or others may " +
                   $"write it and replace results EMX2 points at. Run: chmod go-w {path}";
        return null;
    }

    /// <summary>Read (and search) permission for group and others that the root grants, so results placed below it can
    /// be read by whoever the administrator opened the root to; never write permission.</summary>
    public static uint SharedReadBits(string path)
    {
        using var dir = DirectoryHandle.Open(path, followLinks: true);
        return dir.Status().Permissions & 0x2D; // 0055: g+rx, o+rx
    }
}
