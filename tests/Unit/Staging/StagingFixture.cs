using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Tests.Unit.Staging;

/// <summary>A temp job root, a fake store and a stager wired together.</summary>
internal sealed class StagingFixture : IDisposable
{
    public const string JobId = "5e0c2f4a-9b1d-4c3e-a7f8-0a1b2c3d4e5f";

    public TempDirectory Temp { get; } = new();
    public FakeArtifactStore Store { get; } = new();
    public MemoryLogSink Log { get; } = new();
    public JobDirectories Dirs { get; }

    public StagingFixture()
    {
        Dirs = JobDirectories.For(Temp["jobs"], JobId);
        Dirs.Create();
    }

    /// <summary>Where posix views are recorded (none by default: every staging rebuilds).</summary>
    public IStagedInputJournal? Journal { get; set; }

    public StagingOptions Options { get; set; } = new();

    public InputStager Stager(params string[] allowedRoots) =>
        new(Store, Options with { AllowedPosixRoots = allowedRoots }, new HpcLog(Log, "staging", LogLevel.Debug), Journal);

    public Task<StagedInputs> StageAsync(object inputs, params string[] allowedRoots) =>
        Stager(allowedRoots).StageAsync(JobId, JsonSerializer.SerializeToElement(inputs), Dirs, CancellationToken.None);

    public string InputPath(string relative) => Path.Combine(Dirs.Input, relative);

    /// <summary>Every file and link under the temp dir, relative, sorted: proves what was (not) written.</summary>
    public IReadOnlyList<string> AllEntries() =>
        Directory.EnumerateFileSystemEntries(Temp.Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(p => FileKindProbe.Of(p) != FileKind.Directory)
            .Select(p => Path.GetRelativePath(Temp.Path, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Inode of a path (links not followed): a hard link shares it with its original, a copy does not.</summary>
    public static ulong Inode(string path) =>
        DirectoryHandle.Open(Path.GetDirectoryName(path)!, followLinks: true) is var dir
            ? Using(dir, d => d.StatusOf(Path.GetFileName(path))!.Value.Inode) : 0;

    private static T Using<T>(DirectoryHandle dir, Func<DirectoryHandle, T> read)
    {
        using (dir) return read(dir);
    }

    public void Dispose() => Temp.Dispose();
}

/// <summary>The journal the cycle keeps in SQLite, in memory.</summary>
internal sealed class MemoryStagedInputJournal : IStagedInputJournal
{
    public Dictionary<(string Job, string Artifact), PosixViewRecord> Records { get; } = new();

    public PosixViewRecord? Find(string jobId, string artifactId) => Records.GetValueOrDefault((jobId, artifactId));
    public void Building(string jobId, string artifactId) => Records[(jobId, artifactId)] = new PosixViewRecord(false, null, 0);
    public void Ready(string jobId, string artifactId, string? treeSha256, int linkedFiles, int copiedFiles, long copiedBytes) =>
        Records[(jobId, artifactId)] = new PosixViewRecord(true, treeSha256, copiedBytes);
}
