using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Containment of what a job leaves in output/: every entry is opened by descriptor, once; links, FIFOs,
/// devices, sockets and hard links are refused (and fail the job); swaps during collection (a file flipped to a link,
/// a subdirectory exchanged with a link by renameat2) never make the collector read outside output/; the limits
/// stop collection early; nothing a job plants can block the worker.</summary>
[Collection(HostileCollection.Name)]
public sealed class ContainmentOutputTests(ITestOutputHelper output)
{
    private const string Area = "containment (job-writable files)";
    private const string JobId = "5b1f0a3c-9e2d-4c7b-8a61-2f0e9d3c4b5a";

    private static (HostileRoot Root, JobDirectories Dirs) Job()
    {
        var root = new HostileRoot();
        var dirs = JobDirectories.For(root.Combine("jobs"), JobId);
        dirs.Create();
        File.WriteAllText(Path.Combine(dirs.Output, "result.txt"), "the real result");
        File.WriteAllText(Path.Combine(dirs.Output, "slurm-7.out"), "the real log");
        return (root, dirs);
    }

    public static readonly TheoryData<string> Plants = new() { "hard link to the secret", "symbolic link", "FIFO", "socket", "hard-linked log" };

    [Theory]
    [MemberData(nameof(Plants))]
    public Task Entry_that_is_not_a_single_regular_file_is_refused_by_name(string plant) => HostileLedger.RunAsync(Area, "output: " + plant, async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        var name = plant == "hard-linked log" ? "slurm-7.err" : "planted";
        var path = Path.Combine(dirs.Output, name);
        Socket? socket = null;
        switch (plant)
        {
            case "hard link to the secret" or "hard-linked log": HardLink(root.SecretFile, path); break;
            case "symbolic link": File.CreateSymbolicLink(path, root.SecretFile); break;
            case "FIFO": Hostile.Fifo(path); break;
            case "socket":
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.Bind(new UnixDomainSocketEndPoint(path));
                break;
        }
        using (socket)
        {
            using var collected = await Hostile.WithinAsync(TimeSpan.FromSeconds(10), () => OutputCollector.CollectAsync(dirs), "collect");
            Assert.Contains(collected.Refused, r => r.StartsWith(name + ":", StringComparison.Ordinal));
            Assert.DoesNotContain(collected.Outputs.Concat(collected.Logs), f => f.RelativePath == name);
            Assert.Equal(["slurm-7.out"], collected.Logs.Select(f => f.RelativePath)); // the real log still goes
            foreach (var file in collected.Outputs.Concat(collected.Logs))
                Assert.DoesNotContain(HostileRoot.CanaryText, Read(file));
        }
        return Verdict.Refused;
    });

    [Fact]
    public Task Upload_reads_the_descriptor_that_was_hashed_not_the_path() => HostileLedger.RunAsync(Area, "output: file replaced by a link after hashing", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        using var collected = await OutputCollector.CollectAsync(dirs);
        var result = Assert.Single(collected.Outputs);
        // The job swaps the name for a link to the secret between collection and upload.
        File.Delete(result.FullPath);
        File.CreateSymbolicLink(result.FullPath, root.SecretFile);
        Assert.Equal("the real result", Read(result));
        return Verdict.Contained;
    });

    [Fact]
    public Task Symlink_flip_race_never_reads_outside() => HostileLedger.RunAsync(Area, "race: file flipped between regular and symlink", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        var flip = Path.Combine(dirs.Output, "flip.txt");
        var staging = Path.Combine(dirs.Root, "work", "flip.tmp");
        var linkStaging = Path.Combine(dirs.Root, "work", "flip.lnk");
        int collections = 0, seenFile = 0, refusedLink = 0;
        var race = await RaceRunner.RunAsync(300, () =>
        {
            File.WriteAllText(staging, "inside");
            File.Move(staging, flip, overwrite: true);
            File.CreateSymbolicLink(linkStaging, root.SecretFile);
            File.Move(linkStaging, flip, overwrite: true); // rename(2) replaces atomically
        }, async () =>
        {
            using var collected = await OutputCollector.CollectAsync(dirs);
            collections++;
            foreach (var file in collected.Outputs) Assert.DoesNotContain(HostileRoot.CanaryText, Read(file));
            if (collected.Outputs.Any(f => f.RelativePath == "flip.txt")) seenFile++;
            if (collected.Refused.Any(r => r.StartsWith("flip.txt", StringComparison.Ordinal))) refusedLink++;
        });
        ContainmentFigures.Print(output, $"symlink flip race: {collections} collections, {race.Moves} flips, flip.txt collected as a file {seenFile} times, " +
                                         $"refused as a link {refusedLink} times, canary read 0 times ({race.Elapsed.TotalSeconds:0.0}s)");
        Assert.True(race.Moves > 0);
        return Verdict.Contained;
    });

    [Fact]
    public Task Rename_exchange_of_a_subdirectory_never_reads_outside() => HostileLedger.RunAsync(Area, "race: renameat2 RENAME_EXCHANGE of a subdirectory", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        var sub = Path.Combine(dirs.Output, "sub");
        Directory.CreateDirectory(sub);
        File.WriteAllText(Path.Combine(sub, "secret.txt"), "inside");
        var decoy = Path.Combine(dirs.Root, "work", "decoy");
        File.CreateSymbolicLink(decoy, root.Outside); // outside/ holds secret.txt with the canary
        int collections = 0, refused = 0;
        var race = await RaceRunner.RunAsync(300, () =>
        {
            if (renameat2(-100, sub, -100, decoy, RenameExchange) != 0)
                throw new IOException($"renameat2 failed (errno {Marshal.GetLastPInvokeError()})");
        }, async () =>
        {
            using var collected = await OutputCollector.CollectAsync(dirs);
            collections++;
            foreach (var file in collected.Outputs) Assert.DoesNotContain(HostileRoot.CanaryText, Read(file));
            if (collected.Refused.Count > 0) refused++;
        });
        ContainmentFigures.Print(output, $"RENAME_EXCHANGE race: {collections} collections, {race.Moves} exchanges, {refused} collections refused a link, " +
                                         $"canary read 0 times ({race.Elapsed.TotalSeconds:0.0}s)");
        Assert.True(race.Moves > 0);
        return Verdict.Contained;
    });

    [Fact]
    public Task Fifo_as_progress_file_never_blocks() => HostileLedger.RunAsync(Area, "progress file replaced by a FIFO (cycle lock held)", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        Hostile.Fifo(Path.Combine(dirs.Output, ProgressReader.FileName));
        var watch = Stopwatch.StartNew();
        var read = await Hostile.WithinAsync(TimeSpan.FromSeconds(5), () => ProgressReader.Read(dirs, 0), "ProgressReader.Read");
        ContainmentFigures.Print(output, $"FIFO progress file: read returned in {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Null(read.Update);
        return Verdict.Refused;
    });

    [Fact]
    public Task Hard_linked_progress_file_is_not_read() => HostileLedger.RunAsync(Area, "progress file hard-linked to another file", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        var elsewhere = root.WriteFile("outside/progress.jsonl", "{\"progress\":0.5,\"message\":\"" + HostileRoot.CanaryText + "\"}\n");
        HardLink(elsewhere, Path.Combine(dirs.Output, ProgressReader.FileName));
        var read = await Hostile.WithinAsync(TimeSpan.FromSeconds(5), () => ProgressReader.Read(dirs, 0), "ProgressReader.Read");
        Assert.Null(read.Update);
        return Verdict.Refused;
    });

    [Fact]
    public Task Too_many_files_stop_collection_early() => HostileLedger.RunAsync(Area, "limits: more files than max_output_files", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        for (var i = 0; i < 2000; i++) File.WriteAllText(Path.Combine(dirs.Output, $"f{i:0000}.txt"), "");
        var watch = Stopwatch.StartNew();
        using var collected = await OutputCollector.CollectAsync(dirs, new OutputLimits { MaxFiles = 100 });
        ContainmentFigures.Print(output, $"2000 files, max_output_files 100: stopped after {collected.Outputs.Count} hashed files in {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains(collected.Refused, r => r.Contains("max_output_files", StringComparison.Ordinal));
        Assert.True(collected.Outputs.Count <= 100);
        Assert.Equal(["slurm-7.out"], collected.Logs.Select(f => f.RelativePath));
        return Verdict.Refused;
    });

    [Fact]
    public Task Huge_sparse_file_is_refused_before_hashing() => HostileLedger.RunAsync(Area, "limits: 1 TiB sparse file", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        using (var sparse = new FileStream(Path.Combine(dirs.Output, "sparse.bin"), FileMode.CreateNew)) sparse.SetLength(1L << 40);
        var watch = Stopwatch.StartNew();
        using var collected = await Hostile.WithinAsync(TimeSpan.FromSeconds(10),
            () => OutputCollector.CollectAsync(dirs, new OutputLimits { MaxBytes = 1L << 30 }), "collect");
        ContainmentFigures.Print(output, $"1 TiB sparse file, max_output_bytes 1 GiB: refused in {watch.Elapsed.TotalMilliseconds:0} ms (logical size counted)");
        Assert.Contains(collected.Refused, r => r.Contains("max_output_bytes", StringComparison.Ordinal));
        return Verdict.Refused;
    });

    [Fact]
    public Task Hashing_stops_on_cancellation() => HostileLedger.RunAsync(Area, "limits: hashing a huge file stops on SIGTERM/cancellation", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        using (var sparse = new FileStream(Path.Combine(dirs.Output, "sparse.bin"), FileMode.CreateNew)) sparse.SetLength(64L << 30);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Hostile.WithinAsync(TimeSpan.FromSeconds(10), () => OutputCollector.CollectAsync(dirs, new OutputLimits { MaxBytes = 1L << 40 }, cts.Token), "collect"));
        ContainmentFigures.Print(output, $"64 GiB sparse file: hashing cancelled after {watch.Elapsed.TotalMilliseconds:0} ms");
        return Verdict.Refused;
    });

    [Fact]
    public Task Deep_trees_are_bounded() => HostileLedger.RunAsync(Area, "limits: tree deeper than 64 levels and longer than PATH_MAX", async () =>
    {
        var (root, dirs) = Job();
        using var _ = root;
        // Built by descriptor-free relative steps so the test itself never needs a path longer than PATH_MAX.
        using (var bash = Process.Start("bash", ["-c", "cd \"$1\" && for i in $(seq 1 80); do mkdir d && cd d; done && touch deep.txt && cd \"$1\" && " +
                                                       "for i in $(seq 1 25); do mkdir $(printf 'L%.0s' $(seq 1 200)) && cd $(printf 'L%.0s' $(seq 1 200)); done && touch long.txt",
                   "_", dirs.Output])!)
        {
            await bash.WaitForExitAsync();
            Assert.Equal(0, bash.ExitCode);
        }
        using var collected = await Hostile.WithinAsync(TimeSpan.FromSeconds(20), () => OutputCollector.CollectAsync(dirs), "collect");
        Assert.Contains(collected.Refused, r => r.Contains("deeper than 64 levels", StringComparison.Ordinal));
        Assert.Contains(collected.Skipped, r => r.Contains("longer than 4096", StringComparison.Ordinal));
        return Verdict.Refused;
    });

    private static string Read(OutputFile file)
    {
        Assert.NotNull(file.Content);
        var buffer = new byte[file.Size];
        RandomAccess.Read(file.Content!, buffer, 0);
        return System.Text.Encoding.UTF8.GetString(buffer);
    }

    private static void HardLink(string existing, string link)
    {
        if (link_(existing, link) != 0) throw new IOException($"link failed (errno {Marshal.GetLastPInvokeError()})");
    }

    private const uint RenameExchange = 2;

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int link_([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);
}
