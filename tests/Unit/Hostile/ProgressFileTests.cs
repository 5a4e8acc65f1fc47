using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>.hpc_progress.jsonl is written by the workload. Whatever it is (huge, sparse, garbled, a FIFO, a
/// directory, a link to /dev/zero or to a secret), reading it must be fast, bounded, never go through a link and
/// never relay more than the protocol's 100/500 character limits.</summary>
[Collection(HostileCollection.Name)]
public sealed class ProgressFileTests
{
    private const string Area = "progress file";
    private const string JobId = "16fd2706-8baf-433b-82eb-8c7fada847da";

    /// <param name="Plant">Creates the progress file (path) in its hostile form.</param>
    /// <param name="Expect">Checks the update (null means nothing relayed).</param>
    /// <param name="Refused">True when the hostile content is ignored, false when a bounded version of it is relayed.</param>
    internal sealed record Case(Action<string, HostileRoot> Plant, Action<ProgressUpdate?> Expect, bool Refused);

    private static readonly Action<ProgressUpdate?> Nothing = u => Assert.Null(u);

    private static Action<ProgressUpdate?> Message(string expected) => u =>
    {
        Assert.NotNull(u);
        Assert.Equal(expected, u.Message);
    };

    private static void Bytes(string path, params byte[][] parts)
    {
        using var f = File.Create(path);
        foreach (var p in parts) f.Write(p);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["larger than 1 MiB, valid last line"] = new((p, _) =>
        {
            var line = Utf8("""{"phase":"old","message":"old","progress":0.1}""" + "\n");
            using var f = File.Create(p);
            for (var i = 0; i < (1 << 20) / line.Length + 10; i++) f.Write(line);
            f.Write(Utf8("""{"phase":"align","message":"newest","progress":0.5}""" + "\n"));
        }, Message("newest"), false),
        ["64 MiB sparse file of NULs"] = new((p, _) =>
        {
            using var f = File.Create(p);
            f.SetLength(64L << 20);
        }, Nothing, true),
        ["64 MiB sparse file, then a valid line"] = new((p, _) =>
        {
            using var f = File.Create(p);
            f.SetLength(64L << 20);
            f.Position = f.Length;
            f.Write(Utf8("\n{\"message\":\"after the hole\"}\n"));
        }, Message("after the hole"), false),
        ["garbled bytes"] = new((p, _) => Bytes(p, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray()), Nothing, true),
        ["invalid UTF-8 inside a value"] = new((p, _) => Bytes(p, Utf8("{\"message\":\""), [0xC3, 0x28, 0xFF, 0xFE], Utf8("\"}\n")), Nothing, true),
        ["lone escaped surrogate"] = new((p, _) => File.WriteAllText(p, "{\"message\":\"\\ud800\"}\n"), Nothing, true),
        ["one JSON line of 10 MB"] = new((p, _) =>
        {
            using var f = File.Create(p);
            f.Write(Utf8("{\"message\":\""));
            f.Write(Enumerable.Repeat((byte)'m', 10_000_000).ToArray());
            f.Write(Utf8("\"}\n"));
        }, Nothing, true),
        ["deeply nested JSON"] = new((p, _) => File.WriteAllText(p,
            "{\"message\":\"deep\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}\n"), Nothing, true),
        ["phase and message far over the limits"] = new((p, _) => File.WriteAllText(p,
            "{\"phase\":\"" + new string('p', 10_000) + "\",\"message\":\"" + new string('m', 10_000) + "\",\"progress\":0.5}\n"), u =>
        {
            Assert.NotNull(u);
            Assert.Equal(ProgressLimits.PhaseMaxLength, u.Phase!.Length);
            Assert.Equal(ProgressLimits.MessageMaxLength, u.Message!.Length);
        }, false),
        ["surrogate pair across the cut"] = new((p, _) => File.WriteAllText(p,
            "{\"message\":\"" + new string('m', ProgressLimits.MessageMaxLength - 1) + "\U0001F600tail\"}\n"), u =>
        {
            Assert.NotNull(u);
            Assert.True(u.Message!.Length <= ProgressLimits.MessageMaxLength);
            Assert.False(char.IsHighSurrogate(u.Message[^1]), "message ends in half a surrogate pair");
        }, false),
        ["control characters and ANSI escapes"] = new((p, _) => File.WriteAllText(p,
            "{\"phase\":\"a\\u0000b\\u001b[2Jc\",\"message\":\"line1\\nline2\\r\\u0007\"}\n"), u =>
        {
            Assert.NotNull(u);
            Assert.Equal("ab[2Jc", u.Phase);
            Assert.Equal("line1line2", u.Message);
        }, false),
        ["progress NaN, huge and negative"] = new((p, _) => File.WriteAllText(p,
            "{\"progress\":-5}\n{\"progress\":1e308}\n{\"progress\":\"NaN\",\"message\":\"nan\"}\n"), u =>
        {
            Assert.NotNull(u);
            Assert.Null(u.Progress);
            Assert.Equal("nan", u.Message);
        }, false),
        ["progress 1e308 clamped"] = new((p, _) => File.WriteAllText(p, "{\"progress\":1e308}\n"), u =>
        {
            Assert.NotNull(u);
            Assert.Equal(ProgressLimits.ProgressMax, u.Progress);
        }, false),
        ["wrong types everywhere"] = new((p, _) => File.WriteAllText(p,
            "{\"phase\":{\"a\":1},\"message\":[\"x\"],\"progress\":true,\"extra\":\"$(id)\"}\n"), Nothing, true),
        ["FIFO named .hpc_progress.jsonl"] = new((p, _) => Hostile.Fifo(p), Nothing, true),
        ["directory named .hpc_progress.jsonl"] = new((p, _) =>
        {
            Directory.CreateDirectory(p);
            File.WriteAllText(Path.Combine(p, "x"), "{\"message\":\"inside a dir\"}\n");
        }, Nothing, true),
        ["link to /dev/zero"] = new((p, _) => File.CreateSymbolicLink(p, "/dev/zero"), Nothing, true),
        ["link to /etc/shadow"] = new((p, _) => File.CreateSymbolicLink(p, "/etc/shadow"), Nothing, true),
        ["link to a readable secret holding valid progress"] = new((p, r) =>
        {
            var target = r.WriteFile("outside/progress-bait.jsonl", "{\"message\":\"" + HostileRoot.CanaryText + "\"}\n");
            File.CreateSymbolicLink(p, target);
        }, Nothing, true),
        ["output directory replaced by a link"] = new((p, r) =>
        {
            var output = Path.GetDirectoryName(p)!;
            Directory.Delete(output, recursive: true);
            r.WriteFile("outside/fake-output/" + ProgressReader.FileName, "{\"message\":\"" + HostileRoot.CanaryText + "\"}\n");
            File.CreateSymbolicLink(output, r.Combine("outside/fake-output"));
        }, Nothing, true),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Progress_file(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        using var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        var path = Path.Combine(dirs.Output, ProgressReader.FileName);
        c.Plant(path, root);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await Hostile.WithinAsync(TimeSpan.FromSeconds(5), () => ProgressReader.Read(dirs, 0), "ProgressReader.Read");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"reading took {started.Elapsed.TotalMilliseconds:0} ms");
        c.Expect(result.Update);
        if (result.Update is { } u)
        {
            Assert.True((u.Phase?.Length ?? 0) <= ProgressLimits.PhaseMaxLength);
            Assert.True((u.Message?.Length ?? 0) <= ProgressLimits.MessageMaxLength);
            Assert.True(u.Progress is null or >= ProgressLimits.ProgressMin and <= ProgressLimits.ProgressMax);
            Assert.DoesNotContain(HostileRoot.CanaryText, u.Detail);
        }
        // A second read from the returned offset is just as bounded (and must not replay garbage forever).
        await Hostile.WithinAsync(TimeSpan.FromSeconds(5), () => ProgressReader.Read(dirs, result.Offset), "second ProgressReader.Read");
        return c.Refused ? Verdict.Refused : Verdict.Contained;
    });
}
