namespace Emx2Hpc.Core.FileSystem;

/// <summary>The directory every job directory lives in. Whoever can write it can plant a job directory full of links
/// before the worker creates it, or swap the batch script before sbatch reads it; so it must be owned by the service
/// account and closed to everybody else (mode 0700, or at least no group/other bits). Created that way when
/// missing; checked on every cycle (the cycle refuses to stage otherwise) and by <c>check</c>.</summary>
public static class JobsRoot
{
    /// <summary>Creates <paramref name="path"/> (0700) if missing, then verifies it. Null when it is safe to use,
    /// otherwise the reason, naming the path and what to do.</summary>
    public static string? Ensure(string path)
    {
        try
        {
            PrivateFiles.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"jobs root {path} cannot be created: {e.Message}";
        }
        return Verify(path);
    }

    /// <summary>Null when <paramref name="path"/> is a directory owned by this process's user with no group or
    /// other permissions. The path itself may be a link placed by the administrator; what it resolves to is checked.</summary>
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
            return $"jobs root {path}: {e.Message}";
        }
        var me = Libc.geteuid();
        if (status.Uid != me)
            return $"jobs root {path} is owned by uid {status.Uid}, not by this service account (uid {me}); " +
                   "another user could plant links in job directories. Use a directory this account owns";
        if ((status.Permissions & 0x3F) != 0)
            return $"jobs root {path} has mode {Convert.ToString(status.Permissions, 8).PadLeft(4, '0')}; other users could read or " +
                   $"plant job directories. Run: chmod 700 {path}";
        return null;
    }
}
