using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.FileSystem;

/// <summary>A job directory that already existed when the worker went to create it, or could not be created safely.
/// The message is the FAILED detail.</summary>
public sealed class JobWorkspaceException(string message) : IOException(message);

/// <summary>Creates a job's directories exclusively and privately, relative to a descriptor of the jobs root: the
/// job directory must not exist (mkdirat fails with EEXIST instead of reusing whatever is there — a planted
/// directory with links in it is never written into), and input/, output/, work/ are created inside the directory
/// just made. A directory the worker itself began creating before a crash (recorded in the state database first)
/// is reused only if it is still a real, owner-only directory of this account.</summary>
public static class JobWorkspace
{
    /// <param name="resuming">The state database says this worker already started creating it.</param>
    public static void Create(string jobsRoot, string jobId, bool resuming)
    {
        if (jobId.Length == 0 || jobId.Contains('/') || jobId is "." or ".." || jobId.Contains('\0'))
            throw new JobWorkspaceException($"job id '{jobId}' cannot name a directory");
        using var root = DirectoryHandle.Open(jobsRoot, followLinks: true);
        if (!root.TryCreateDirectory(jobId, PrivateFiles.Directory))
        {
            var found = root.StatusOf(jobId);
            if (!resuming || found is not { Kind: FileKind.Directory } status || status.Uid != Libc.geteuid() || (status.Permissions & 0x3F) != 0)
                throw new JobWorkspaceException(
                    $"job directory {Path.Join(jobsRoot, jobId)} already existed ({found?.TypeName ?? "gone"}) before this worker created it; " +
                    "it was not used and nothing was written into it");
        }
        using var job = root.OpenDirectory(jobId);
        foreach (var name in new[] { "input", "output", "work" })
        {
            if (job.TryCreateDirectory(name, PrivateFiles.Directory)) continue;
            if (job.StatusOf(name) is not { Kind: FileKind.Directory })
                throw new JobWorkspaceException($"{Path.Join(jobsRoot, jobId, name)} exists and is not a directory; not used");
        }
    }

    /// <summary>Writes the batch script exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0700) in the job directory,
    /// which only the service account can write. A script left by an attempt that crashed is unlinked first (the
    /// name, never a link's target).</summary>
    public static void WriteScript(JobDirectories dirs, string script)
    {
        using var job = DirectoryHandle.Open(dirs.Root);
        var status = job.Status();
        if (status.Uid != Libc.geteuid() || (status.Permissions & 0x12) != 0)
            throw new JobWorkspaceException($"job directory {dirs.Root} is writable by others; the batch script is not written there");
        job.Unlink(JobDirectories.ScriptName);
        using var handle = job.CreateFile(JobDirectories.ScriptName, PrivateFiles.Directory);
        using var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        stream.Write(new System.Text.UTF8Encoding(false).GetBytes(script));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Removes a job directory and everything in it without following any link inside. Missing is fine.</summary>
    public static void Remove(string jobsRoot, string jobId)
    {
        if (jobId.Length == 0 || jobId.Contains('/') || jobId is "." or "..") return;
        using var root = DirectoryHandle.Open(jobsRoot, followLinks: true);
        root.RemoveTree(jobId);
    }
}
