using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>What a workload can leave in its output directory to get files outside it uploaded: links of every
/// shape, special files, and names the server would refuse. The collector must never follow a link, never open a
/// special file, and never hand the uploader a path outside output/. The uploaded set is asserted exactly, and no
/// collected file may carry the canary bytes that live outside.</summary>
[Collection(HostileCollection.Name)]
public sealed class OutputCollectionTests
{
    private const string Area = "output collection (upload)";
    private const string JobId = "6f9619ff-8b86-4011-b42d-00c04fc964ff";

    /// <param name="Plant">Builds the hostile entry (root, dirs).</param>
    /// <param name="Uploaded">Exact relative paths the collector may return (outputs and logs).</param>
    /// <param name="SkippedMentions">A fragment of the "not uploading" note the collector must produce; null when
    /// the entry is legitimate (contained).</param>
    internal sealed record Case(Action<HostileRoot, JobDirectories> Plant, string[] Uploaded, string? SkippedMentions);

    /// <summary>Creates "&lt;prefix&gt;\xff\xfe.txt" (bytes that are not UTF-8), which .NET cannot spell.</summary>
    private static void InvalidUtf8Name(string directory, string prefix)
    {
        using var bash = System.Diagnostics.Process.Start("bash", ["-c", "touch \"$1\"$'\\xff\\xfe.txt'", "_", Path.Combine(directory, prefix)])!;
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
    }

    private static void Link(string path, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["link to a file outside (/etc/passwd style)"] = new((r, d) => Link(Path.Combine(d.Output, "passwd"), r.SecretFile),
            ["result.txt"], "passwd: symbolic link"),
        ["link to /etc/passwd itself"] = new((_, d) => Link(Path.Combine(d.Output, "system-passwd"), "/etc/passwd"),
            ["result.txt"], "system-passwd: symbolic link"),
        ["link to a directory outside"] = new((r, d) => Link(Path.Combine(d.Output, "loot"), r.Outside),
            ["result.txt"], "loot: symbolic link"),
        ["link chain a -> b -> outside"] = new((r, d) =>
        {
            Link(Path.Combine(d.Output, "b"), r.SecretFile);
            Link(Path.Combine(d.Output, "a"), Path.Combine(d.Output, "b"));
        }, ["result.txt"], "a: symbolic link"),
        ["relative link climbing out"] = new((_, d) => Link(Path.Combine(d.Output, "up"), "../../../outside/secret.txt"),
            ["result.txt"], "up: symbolic link"),
        ["link to the input directory"] = new((_, d) =>
        {
            File.WriteAllText(Path.Combine(d.Input, "input-data.txt"), HostileRoot.CanaryText);
            Link(Path.Combine(d.Output, "inputs"), d.Input);
        }, ["result.txt"], "inputs: symbolic link"),
        ["link to a staged input file"] = new((_, d) =>
        {
            File.WriteAllText(Path.Combine(d.Input, "input-data.txt"), HostileRoot.CanaryText);
            Link(Path.Combine(d.Output, "copy.txt"), Path.Combine(d.Input, "input-data.txt"));
        }, ["result.txt"], "copy.txt: symbolic link"),
        ["directory link deep inside"] = new((r, d) => Link(Path.Combine(d.Output, "sub", "deeper", "escape"), Path.Combine(r.Outside, "dir")),
            ["result.txt"], "sub/deeper/escape: symbolic link"),
        ["dangling link"] = new((_, d) => Link(Path.Combine(d.Output, "gone"), "/nonexistent/emx2hpc/target"),
            ["result.txt"], "gone: symbolic link"),
        ["link named like a Slurm log"] = new((r, d) => Link(Path.Combine(d.Output, "slurm-42.out"), r.SecretFile),
            ["result.txt"], "slurm-42.out: symbolic link"),
        ["link named .hpc_progress.jsonl"] = new((r, d) => Link(Path.Combine(d.Output, ProgressReader.FileName), r.SecretFile),
            ["result.txt"], ".hpc_progress.jsonl: symbolic link"),
        ["output directory itself replaced by a link"] = new((r, d) =>
        {
            Directory.Delete(d.Output, recursive: true);
            Link(d.Output, Path.Combine(r.Outside, "dir"));
        }, [], "not a real directory"),
        ["FIFO in the output"] = new((_, d) => Hostile.Fifo(Path.Combine(d.Output, "pipe")),
            ["result.txt"], "pipe: not a regular file"),
        ["backslash traversal in a file name"] = new((_, d) => File.WriteAllText(Path.Combine(d.Output, "a\\..\\..\\b.txt"), "x"),
            ["result.txt"], "name not accepted by the server (path contains a '..' segment)"),
        ["backslash in a file name"] = new((_, d) => File.WriteAllText(Path.Combine(d.Output, "dir\\file.txt"), "x"),
            ["result.txt"], "name not accepted by the server (path contains a backslash)"),
        ["path longer than 1024 characters"] = new((_, d) =>
        {
            var dir = Path.Combine(d.Output, string.Join('/', Enumerable.Repeat(new string('d', 200), 6)));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "deep.txt"), "x");
        }, ["result.txt"], "longer than 1024"),
        ["file name that is not valid UTF-8"] = new((_, d) => InvalidUtf8Name(d.Output, "bad"), ["result.txt"], "not valid UTF-8"),
        ["invalid UTF-8 name decoding to a real file's name"] = new((_, d) =>
        {
            InvalidUtf8Name(d.Output, "bad");
            File.WriteAllText(Path.Combine(d.Output, "bad\uFFFD\uFFFD.txt"), "decoy");
        }, ["result.txt"], "not valid UTF-8"),
        // Legitimate names: uploaded as the literal file inside output/.
        ["names differing only by case"] = new((_, d) =>
        {
            File.WriteAllText(Path.Combine(d.Output, "R.txt"), "upper");
            File.WriteAllText(Path.Combine(d.Output, "r.txt"), "lower");
        }, ["R.txt", "r.txt", "result.txt"], null),
        ["unicode lookalike separators"] = new((_, d) => File.WriteAllText(Path.Combine(d.Output, "..\u2215..\u2215etc\u2215passwd"), "x"),
            ["..\u2215..\u2215etc\u2215passwd", "result.txt"], null),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Output_directory_entry(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        using var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        File.WriteAllText(Path.Combine(dirs.Output, "result.txt"), "the real result");
        c.Plant(root, dirs);
        var before = root.Snapshot();

        var sync = await Hostile.WithinAsync(TimeSpan.FromSeconds(10), () => OutputCollector.Collect(dirs), "OutputCollector.Collect");
        var async = await Hostile.WithinAsync(TimeSpan.FromSeconds(10), () => OutputCollector.CollectAsync(dirs), "OutputCollector.CollectAsync");

        foreach (var collected in new[] { sync, async })
        {
            var all = collected.Outputs.Concat(collected.Logs).ToList();
            Assert.Equal(c.Uploaded.Order(StringComparer.Ordinal), all.Select(f => f.RelativePath).Order(StringComparer.Ordinal));
            foreach (var file in all)
            {
                Assert.True(PathSafety.IsInside(dirs.Output, file.FullPath), $"{file.FullPath} is outside the output directory");
                Assert.Equal(FileKind.Regular, FileKindProbe.Of(file.FullPath));
                Assert.DoesNotContain(HostileRoot.CanaryText, File.ReadAllText(file.FullPath));
                Assert.Null(PathSafety.ServerPathProblem(file.RelativePath));
            }
            if (c.SkippedMentions is { } mention)
                Assert.True(collected.Skipped.Any(s => s.Contains(mention, StringComparison.Ordinal)),
                    $"no skip note mentions '{mention}': [{string.Join(" | ", collected.Skipped)}]");
        }
        Assert.Empty(HostileRoot.Changes(before, root.Snapshot())); // collecting reads, never writes or follows
        return c.SkippedMentions is null ? Verdict.Contained : Verdict.Refused;
    });
}
