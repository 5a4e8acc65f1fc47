namespace Emx2Hpc.Core.FileSystem;

/// <summary>A directory the worker trusts only while the service account owns it and nobody else holds the permissions
/// that would let them plant or swap what the worker reads there. The jobs root and the posix output root are both
/// such directories; they differ in which group/other bits are forbidden and in what the reader is told.</summary>
internal sealed record OwnedDirectory(string Name, uint ForbiddenBits, string OwnerRisk, string ModeRisk, string ModeFix)
{
    /// <summary>Creates <paramref name="path"/> (0700) if missing, then verifies it: null when safe, else the reason.</summary>
    public string? Ensure(string path)
    {
        try
        {
            PrivateFiles.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{Name} {path} cannot be created: {e.Message}";
        }
        return Verify(path);
    }

    /// <summary>Null when <paramref name="path"/> is a directory owned by this process's user without any of
    /// <see cref="ForbiddenBits"/>. The path itself may be a link placed by the administrator; what it resolves to is
    /// checked, through the handle that was opened.</summary>
    public string? Verify(string path)
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
            return $"{Name} {path}: {e.Message}";
        }
        var me = Libc.geteuid();
        if (status.Uid != me)
            return $"{Name} {path} is owned by uid {status.Uid}, not by this service account (uid {me}); {OwnerRisk}. " +
                   "Use a directory this account owns";
        if ((status.Permissions & ForbiddenBits) != 0)
            return $"{Name} {path} has mode {Convert.ToString(status.Permissions, 8).PadLeft(4, '0')}: {ModeRisk}. Run: {ModeFix} {path}";
        return null;
    }
}
