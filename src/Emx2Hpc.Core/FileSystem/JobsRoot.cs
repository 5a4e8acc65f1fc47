namespace Emx2Hpc.Core.FileSystem;

/// <summary>The directory every job directory lives in. Whoever can write it can plant a job directory full of links
/// before the worker creates it, or swap the batch script before sbatch reads it; so it must be owned by the service
/// account and closed to everybody else (mode 0700, or at least no group/other bits). Created that way when
/// missing; checked on every cycle (the cycle refuses to stage otherwise) and by <c>check</c>.</summary>
public static class JobsRoot
{
    private static readonly OwnedDirectory Rules = new("jobs root", ForbiddenBits: 0x3F, // 0077
        OwnerRisk: "another user could plant links in job directories",
        ModeRisk: "other users could read or plant job directories", ModeFix: "chmod 700");

    /// <summary>Creates <paramref name="path"/> (0700) if missing, then verifies it. Null when it is safe to use,
    /// otherwise the reason, naming the path and what to do.</summary>
    public static string? Ensure(string path) => Rules.Ensure(path);

    /// <summary>Null when <paramref name="path"/> is a directory owned by this process's user with no group or
    /// other permissions.</summary>
    public static string? Verify(string path) => Rules.Verify(path);
}
