using System.Text;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Usage;
using Emx2Hpc.Core.Staging;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Cycle;

/// <summary>usage.json for the log artifact: written by the worker from the figures in the state database into the
/// job's directory (not the job-writable output directory), created exclusively and without following links — a
/// leftover from an interrupted attempt, or anything a host-mode workload planted under that name, is unlinked
/// first, never opened — then read back from a fresh descriptor checked to be the regular file just written. The
/// content is the same on every attempt, so a resumed upload recognises it as already sent.</summary>
public sealed class UsageFile : IDisposable
{
    public const string Name = "usage.json";

    private UsageFile(OutputFile file) => File = file;

    public OutputFile File { get; }

    public static async Task<UsageFile> WriteAsync(JobDirectories dirs, JobUsage usage, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(usage.ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        using var root = DirectoryHandle.Open(dirs.Root);
        root.Unlink(Name);
        using (var stream = new FileStream(root.CreateFile(Name, PrivateFiles.File), FileAccess.Write))
            await stream.WriteAsync(bytes, ct);
        SafeFileHandle handle = root.OpenFileForReading(Name);
        try
        {
            var status = DirectoryHandle.Status(handle, Path.Join(dirs.Root, Name));
            if (status.Kind != FileKind.Regular || status.LinkCount != 1 || status.Size != bytes.Length)
                throw new IOException($"{Path.Join(dirs.Root, Name)} changed between writing and reading it back");
            var (sha, size) = await ContentHash.OfAsync(handle, ct);
            return new UsageFile(new OutputFile(Name, Path.Join(dirs.Root, Name), size, sha, "application/json") { Content = handle });
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => File.Content?.Dispose();
}
