using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Artifact file paths as a compromised or buggy EMX2 could list them for a managed input. Every refused
/// path is refused before anything is downloaded; every accepted one lands inside <c>input/&lt;artifact_id&gt;/</c>
/// and nowhere else (the whole temp tree is compared before and after).</summary>
[Collection(HostileCollection.Name)]
public sealed class ArtifactPathTests
{
    private const string Area = "artifact paths (download)";
    private const string JobId = "0f8fad5b-d9cb-469f-a165-70867728950e";

    /// <param name="Problem">Words the StagingException must contain; null when the paths are accepted.</param>
    /// <param name="Arrange">Plants something in the job tree first (root, dirs, artifact id).</param>
    internal sealed record Case(string[] Paths, string? Problem, Action<HostileRoot, JobDirectories, string>? Arrange = null);

    private static string Long(int length)
    {
        // Segments of 200 characters so only the total length is at stake, not NAME_MAX.
        var parts = new List<string>();
        var remaining = length;
        while (remaining > 0)
        {
            var take = Math.Min(200, remaining);
            parts.Add(new string('a', take));
            remaining -= take + 1;
        }
        return string.Join('/', parts)[..length];
    }

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["dotdot"] = new([".."], "'..' segment"),
        ["dotdot-leading"] = new(["../escape.txt"], "'..' segment"),
        ["dotdot-nested a/../../b"] = new(["a/../../b"], "'..' segment"),
        ["dotdot-deep"] = new(["x/y/../../../../../../tmp/evil"], "'..' segment"),
        ["absolute /etc/passwd"] = new(["/etc/passwd"], "absolute"),
        ["absolute backslash"] = new(["\\etc\\passwd"], "absolute"),
        ["NUL byte"] = new(["ok.txt\0../../evil"], "NUL"),
        ["backslash traversal a\\..\\b"] = new(["a\\..\\..\\b"], "'..' segment"),
        ["backslash separator"] = new(["dir\\file.txt"], "backslash"),
        ["1025 characters"] = new([Long(1025)], "longer than 1024"),
        ["4096 characters"] = new([Long(4096)], "longer than 1024"),
        ["empty"] = new([""], "blank"),
        ["whitespace only"] = new(["   "], "blank"),
        ["empty segment a//b"] = new(["a//b"], "empty segment"),
        ["trailing slash"] = new(["a/"], "empty segment"),
        ["dot segment ./a"] = new(["./a"], "'.' segment"),
        ["dot segment a/./b"] = new(["a/./b"], "'.' segment"),
        ["same path twice"] = new(["x.txt", "x.txt"], "listed twice"),
        ["file and directory clash"] = new(["a", "a/b"], "also a directory"),
        ["segment longer than NAME_MAX"] = new([new string('n', 300)], "segment longer than 255 bytes"),
        ["segment of 100 three-byte characters"] = new(["ok/" + new string('\u20AC', 100)], "segment longer than 255 bytes"),
        ["planted directory link"] = new(["sub/evil.txt"], "symbolic link", (root, dirs, id) =>
        {
            Directory.CreateDirectory(Path.Combine(dirs.Input, id));
            File.CreateSymbolicLink(Path.Combine(dirs.Input, id, "sub"), root.Outside);
        }),
        ["planted file link"] = new(["f.txt"], "symbolic link", (root, dirs, id) =>
        {
            Directory.CreateDirectory(Path.Combine(dirs.Input, id));
            File.CreateSymbolicLink(Path.Combine(dirs.Input, id, "f.txt"), root.SecretFile);
        }),
        // Accepted, but contained: each becomes exactly the named file inside input/<id>/.
        ["names differing only by case"] = new(["Data.txt", "data.txt", "DATA.TXT"], null),
        ["unicode fullwidth solidus"] = new(["a\uFF0F..\uFF0F..\uFF0Fb"], null),
        ["unicode one-dot leaders"] = new(["\u2024\u2024/\u2025/x"], null),
        ["unicode division slash"] = new(["\u2215etc\u2215passwd"], null),
        ["unicode right-to-left override"] = new(["evil\u202Etxt.sh"], null),
        ["newline in name"] = new(["line\nbreak.txt"], null),
        ["exactly 1024 characters"] = new([Long(1024)], null),
        ["input/<id> replaced by a link"] = new(["data.txt"], null, (root, dirs, id) =>
        {
            File.CreateSymbolicLink(Path.Combine(dirs.Input, id), Path.Combine(root.Outside, "dir"));
        }),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Managed_input_file_path(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        using var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        var store = new HostileArtifactStore();
        var id = store.AddManaged(c.Paths.Select((p, i) => (p, $"file {i}")).ToArray());
        c.Arrange?.Invoke(root, dirs, id);
        var inputDir = $"jobs/{JobId}/input/{id}";
        var before = root.Snapshot();
        var stager = new InputStager(store, new StagingOptions(), HpcLog.Null);
        var inputs = JsonSerializer.SerializeToElement(new[] { id });

        if (c.Problem is { } problem)
        {
            var ex = await Assert.ThrowsAsync<StagingException>(() => stager.StageAsync(JobId, inputs, dirs, CancellationToken.None));
            Hostile.AssertNames(ex, id, problem);
            Assert.DoesNotContain('\0', ex.Message);
            Assert.True(ex.Message.Length < 1000, "error message is not bounded: " + ex.Message.Length);
            Assert.Empty(store.Downloads);
            HostileRoot.AssertChangesOnlyUnder(before, root.Snapshot(), inputDir);
            return Verdict.Refused;
        }

        await stager.StageAsync(JobId, inputs, dirs, CancellationToken.None);
        HostileRoot.AssertChangesOnlyUnder(before, root.Snapshot(), inputDir);
        var destination = Path.Combine(dirs.Input, id);
        Assert.Equal(FileKind.Directory, FileKindProbe.Of(destination));
        for (var i = 0; i < c.Paths.Length; i++)
        {
            var local = Path.GetFullPath(Path.Combine(destination, c.Paths[i]));
            Assert.True(PathSafety.IsInside(destination, local), $"{PathSafety.Describe(c.Paths[i])} landed outside");
            Assert.Equal($"file {i}", File.ReadAllText(local));
        }
        return Verdict.Contained;
    });

    [Fact]
    public Task Server_streaming_more_than_the_declared_size() => HostileLedger.RunAsync(Area, "body larger than the listed size_bytes", async () =>
    {
        using var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        var store = new HostileArtifactStore();
        var id = store.AddManaged(("data.bin", "12345"));
        store.ServeInstead(id, 0, new byte[8 << 20]); // 8 MiB where 5 bytes were declared
        var stager = new InputStager(store, new StagingOptions(), HpcLog.Null);
        var ex = await Assert.ThrowsAsync<StagingException>(() =>
            stager.StageAsync(JobId, JsonSerializer.SerializeToElement(new[] { id }), dirs, CancellationToken.None));
        Hostile.AssertNames(ex, id, "data.bin", "larger than the 5 bytes its listing declares");
        var left = Directory.EnumerateFiles(Path.Combine(dirs.Input, id), "*", SearchOption.AllDirectories).ToList();
        Assert.Empty(left); // the partial download is removed
        return Verdict.Refused;
    });

    /// <summary>Role names of named inputs become <c>input/&lt;name&gt;</c> links: only plain file names may.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Name, string Problem)> InputNames = new Dictionary<string, (string, string)>
    {
        ["parent traversal"] = ("../escape", "is not a safe file name"),
        ["slash"] = ("a/b", "is not a safe file name"),
        ["dot"] = (".", "is not a safe file name"),
        ["dot-dot"] = ("..", "is not a safe file name"),
        ["empty"] = ("", "is not a safe file name"),
        ["NUL"] = ("data\0x", "is not a safe file name"),
        ["newline"] = ("data\nx", "is not a safe file name"),
        ["101 characters"] = (new string('n', 101), "is not a safe file name"),
        ["fullwidth lookalike"] = ("\uFF44\uFF41\uFF54\uFF41", "is not a safe file name"),
        ["shell metacharacters"] = ("$(touch x)", "is not a safe file name"),
    };

    public static TheoryData<string> InputNameCases => new(InputNames.Keys);

    [Theory]
    [MemberData(nameof(InputNameCases))]
    public Task Named_input_role(string caseName) => HostileLedger.RunAsync("input names", caseName, async () =>
    {
        var (name, problem) = InputNames[caseName];
        using var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        var store = new HostileArtifactStore();
        var id = store.AddManaged(("a.txt", "a"));
        var before = root.Snapshot();
        var stager = new InputStager(store, new StagingOptions(), HpcLog.Null);
        var inputs = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [name] = id });
        var ex = await Assert.ThrowsAsync<StagingException>(() => stager.StageAsync(JobId, inputs, dirs, CancellationToken.None));
        Hostile.AssertNames(ex, problem, "inputs.");
        Assert.DoesNotContain('\0', ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Empty(HostileRoot.Changes(before, root.Snapshot()));
        Assert.Empty(store.Downloads);
        return Verdict.Refused;
    });

    [Fact]
    public Task Input_name_hiding_another_inputs_directory() => HostileLedger.RunAsync("input names", "name equal to another input's id", async () =>
    {
        using var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        var store = new HostileArtifactStore();
        var first = store.AddManaged(("a.txt", "a"));
        var second = store.AddManaged(("b.txt", "b"));
        var before = root.Snapshot();
        var stager = new InputStager(store, new StagingOptions(), HpcLog.Null);
        var inputs = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["data"] = first, [first] = second });
        var ex = await Assert.ThrowsAsync<StagingException>(() => stager.StageAsync(JobId, inputs, dirs, CancellationToken.None));
        Hostile.AssertNames(ex, "would hide the input directory", first);
        Assert.Empty(HostileRoot.Changes(before, root.Snapshot()));
        return Verdict.Refused;
    });
}
