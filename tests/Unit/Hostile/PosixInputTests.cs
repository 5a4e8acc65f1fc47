using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Posix inputs are staged into the job as a private view, so their content_url decides what a job can read.
/// Only paths that resolve (every link followed) inside staging.allowed_posix_roots, with no link, FIFO or device
/// anywhere inside, may be staged; everything else is refused before anything is left in input/.</summary>
[Collection(HostileCollection.Name)]
public sealed class PosixInputTests
{
    private const string Area = "posix inputs";
    private const string JobId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    /// <param name="Url">content_url, built from the temp root (its path replaces "ROOT").</param>
    /// <param name="Roots">allowed_posix_roots, relative to the temp root ("" entries mean: none configured).</param>
    /// <param name="Problem">Words the error must contain; null when the input is legitimately inside a root.</param>
    internal sealed record Case(string Url, string[] Roots, string? Problem, Action<HostileRoot>? Arrange = null);

    private static readonly string[] DataRoot = ["data"];

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["direct path outside"] = new("file://ROOT/outside/secret.txt", DataRoot, "outside staging.allowed_posix_roots"),
        ["/etc/passwd"] = new("file:///etc/passwd", DataRoot, "outside staging.allowed_posix_roots"),
        [".. in content_url"] = new("file://ROOT/data/../outside/secret.txt", DataRoot, "outside staging.allowed_posix_roots"),
        ["symlink inside the root pointing out"] = new("file://ROOT/data/innocent.txt", DataRoot, "outside staging.allowed_posix_roots",
            r => File.CreateSymbolicLink(r.Combine("data/innocent.txt"), r.SecretFile)),
        ["directory symlink in the middle"] = new("file://ROOT/data/shared/secret.txt", DataRoot, "outside staging.allowed_posix_roots",
            r => File.CreateSymbolicLink(r.Combine("data/shared"), r.Outside)),
        ["link then .. (kernel semantics)"] = new("file://ROOT/data/hop/../secret.txt", DataRoot, "outside staging.allowed_posix_roots",
            r => File.CreateSymbolicLink(r.Combine("data/hop"), r.Combine("outside/dir"))),
        ["/data2 vs /data prefix trap"] = new("file://ROOT/data2/file.txt", DataRoot, "outside staging.allowed_posix_roots",
            r => r.WriteFile("data2/file.txt", HostileRoot.CanaryText)),
        ["empty allowlist"] = new("file://ROOT/data/ok.txt", [], "no allowed posix roots"),
        ["relative file: URL"] = new("file:data/ok.txt", DataRoot, "is not a file:// URL"),
        ["file://host/path form"] = new("file://fileserver/etc/passwd", DataRoot, "does not name an absolute path"),
        ["http URL"] = new("http://evil.example/payload", DataRoot, "is not a file:// URL"),
        ["no content_url"] = new("", DataRoot, "is not a file:// URL"),
        ["NUL in content_url"] = new("file://ROOT/data/ok.txt\0/../../outside/secret.txt", DataRoot, "does not name an absolute path"),
        ["percent-encoded .."] = new("file://ROOT/data/%2e%2e/outside/secret.txt", DataRoot, "does not exist"),
        ["link loop"] = new("file://ROOT/data/loop1", DataRoot, "cannot resolve", r =>
        {
            File.CreateSymbolicLink(r.Combine("data/loop1"), r.Combine("data/loop2"));
            File.CreateSymbolicLink(r.Combine("data/loop2"), r.Combine("data/loop1"));
        }),
        ["FIFO inside the root"] = new("file://ROOT/data/pipe", DataRoot, "not a regular file or directory", r => Hostile.Fifo(r.Combine("data/pipe"))),
        ["link deep inside a directory input"] = new("file://ROOT/data/set", DataRoot, "symbolic link inside the input", r =>
        {
            r.WriteFile("data/set/a.txt", "a");
            Directory.CreateDirectory(r.Combine("data/set/sub"));
            File.CreateSymbolicLink(r.Combine("data/set/sub/loot"), r.SecretFile);
        }),
        ["FIFO inside a directory input"] = new("file://ROOT/data/set", DataRoot, "FIFO inside the input", r =>
        {
            r.WriteFile("data/set/a.txt", "a");
            Hostile.Fifo(r.Combine("data/set/pipe"));
        }),
        ["legitimate file inside the root (control)"] = new("file://ROOT/data/ok.txt", DataRoot, null),
        ["directory inside the root"] = new("file://ROOT/data/set", DataRoot, null, r => r.WriteFile("data/set/a.txt", "a")),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Posix_content_url(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        using var root = new HostileRoot();
        root.WriteFile("data/ok.txt", "fine");
        c.Arrange?.Invoke(root);
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        var store = new HostileArtifactStore();
        var id = store.AddPosix(c.Url.Replace("ROOT", root.Path, StringComparison.Ordinal));
        var stager = new InputStager(store, new StagingOptions { AllowedPosixRoots = c.Roots.Select(root.Combine).ToList() }, HpcLog.Null);
        var inputs = JsonSerializer.SerializeToElement(new[] { id });
        var before = root.Snapshot();

        if (c.Problem is { } problem)
        {
            var ex = await Assert.ThrowsAsync<StagingException>(() => stager.StageAsync(JobId, inputs, dirs, CancellationToken.None));
            Hostile.AssertNames(ex, id, problem);
            Assert.DoesNotContain('\0', ex.Message);
            Assert.Equal(FileKind.Missing, FileKindProbe.Of(Path.Combine(dirs.Input, id)));
            Assert.Empty(HostileRoot.Changes(before, root.Snapshot()));
            return Verdict.Refused;
        }

        var staged = await stager.StageAsync(JobId, inputs, dirs, CancellationToken.None);
        // The job's view is private (hard links or copies of the checked files, real directories), never a link out.
        var view = Path.Combine(dirs.Input, id);
        var source = root.Combine(c.Url.Replace("file://ROOT/", "", StringComparison.Ordinal));
        if (FileKindProbe.Of(view) == FileKind.Regular)
        {
            Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(view));
        }
        else
        {
            Assert.Equal(FileKind.Directory, FileKindProbe.Of(view));
            var shown = HostileRoot.Snapshot(view);
            Assert.DoesNotContain(shown.Values, v => v.StartsWith("l:", StringComparison.Ordinal));
            Assert.Equal(HostileRoot.Snapshot(source), shown);
        }
        HostileRoot.AssertChangesOnlyUnder(before, root.Snapshot(), $"jobs/{JobId}/input/{id}");
        Assert.Single(staged.Items);
        return Verdict.Contained;
    });
}
