namespace Emx2Hpc.Core.FileSystem;

/// <summary>The durable directory posix-residence results are moved to (<c>staging.posix_output_root</c>). EMX2 hands
/// out file:// URLs below it for as long as the artifacts exist, so whoever could write it could swap a published
/// result: it must be owned by the service account and not writable by group or others. Unlike the jobs root it may
/// be readable by others — that is how cluster users read posix results. Created 0700 when missing; checked by
/// <c>check</c> and before every move.</summary>
public static class PosixOutputRoot
{
    private static readonly OwnedDirectory Rules = new("posix output root", ForbiddenBits: 0x12, // 0022
        OwnerRisk: "its owner could replace results EMX2 points at",
        ModeRisk: "group or others may write it and replace results EMX2 points at", ModeFix: "chmod go-w");

    /// <summary>Creates <paramref name="path"/> (0700) if missing, then verifies it: null when safe, else the reason.</summary>
    public static string? Ensure(string path) => Rules.Ensure(path);

    /// <summary>Null when <paramref name="path"/> is a directory owned by this process's user that group and others
    /// cannot write.</summary>
    public static string? Verify(string path) => Rules.Verify(path);

    /// <summary>Read (and search) permission for group and others that the root grants, so results placed below it can
    /// be read by whoever the administrator opened the root to; never write permission.</summary>
    public static uint SharedReadBits(string path)
    {
        using var dir = DirectoryHandle.Open(path, followLinks: true);
        return dir.Status().Permissions & 0x2D; // 0055: g+rx, o+rx
    }
}
