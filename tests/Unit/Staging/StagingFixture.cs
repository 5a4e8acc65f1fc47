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

    public InputStager Stager(params string[] allowedRoots) =>
        new(Store, new StagingOptions { AllowedPosixRoots = allowedRoots }, new HpcLog(Log, "staging", LogLevel.Debug));

    public Task<StagedInputs> StageAsync(object inputs, params string[] allowedRoots) =>
        Stager(allowedRoots).StageAsync(JobId, JsonSerializer.SerializeToElement(inputs), Dirs, CancellationToken.None);

    public string InputPath(string relative) => Path.Combine(Dirs.Input, relative);

    /// <summary>Every file and link under the temp dir, relative, sorted: proves what was (not) written.</summary>
    public IReadOnlyList<string> AllEntries() =>
        Directory.EnumerateFileSystemEntries(Temp.Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(p => FileKindProbe.Of(p) != FileKind.Directory)
            .Select(p => Path.GetRelativePath(Temp.Path, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();

    public void Dispose() => Temp.Dispose();
}
