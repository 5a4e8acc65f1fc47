using System.Runtime.InteropServices;
using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Microsoft.Win32.SafeHandles;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The job's view of a posix input is built from the descriptors that were checked: renaming the original (or a
/// directory on its path) after staging changes nothing the job sees; swapping a file or directory for a link while it
/// is being staged never puts outside content in the view; where a hard link is impossible (another file system, or
/// the kernel's hard-link protection) a private copy is written from the same descriptor, within a byte limit.</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PosixViewTests(ITestOutputHelper output)
{
    private const string Area = "posix input views";
    private const string JobId = "0f3c9a52-6d1e-4b7a-9c84-5e2d1f0a7b36";

    private static (HostileRoot Root, JobDirectories Dirs, HostileArtifactStore Store) Setup(string? jobsRoot = null)
    {
        var root = new HostileRoot();
        var dirs = JobDirectories.For(jobsRoot ?? root.Combine("jobs"), JobId);
        dirs.Create();
        return (root, dirs, new HostileArtifactStore());
    }

    private static InputStager Stager(HostileRoot root, HostileArtifactStore store, StagingOptions? options = null) =>
        new(store, (options ?? new StagingOptions()) with { AllowedPosixRoots = [root.Combine("data")] }, HpcLog.Null);

    private static Task<StagedInputs> Stage(InputStager stager, string id, JobDirectories dirs) =>
        stager.StageAsync(JobId, JsonSerializer.SerializeToElement(new[] { id }), dirs, CancellationToken.None);

    private static string Sha(string text) => HostileArtifactStore.Sha(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public Task Renaming_the_target_after_staging_changes_nothing_the_job_sees() => HostileLedger.RunAsync(Area, "rename of the target after staging", async () =>
    {
        var (root, dirs, store) = Setup();
        using var _ = root;
        var file = root.WriteFile("data/reads.txt", "the staged reads");
        root.WriteFile("data/set/a.txt", "the staged a");
        var fileId = store.AddPosix("file://" + file, Sha("the staged reads"));
        var dirId = store.AddPosix("file://" + root.Combine("data/set"), Sha("the staged a"));
        var stager = Stager(root, store);
        await Stage(stager, fileId, dirs);
        await Stage(stager, dirId, dirs);

        // What a symlink view would now show: the renamed target replaced by a link out, and the directory on the path
        // renamed away with a link to the secret's directory in its place.
        File.Move(file, root.Combine("data/reads.old"));
        File.CreateSymbolicLink(file, root.SecretFile);
        Directory.Move(root.Combine("data/set"), root.Combine("data/set.old"));
        Directory.CreateSymbolicLink(root.Combine("data/set"), root.Outside);
        File.Move(root.Combine("outside/secret.txt"), root.Combine("outside/a.txt"));

        Assert.Equal("the staged reads", File.ReadAllText(Path.Combine(dirs.Input, fileId)));
        Assert.Equal("the staged a", File.ReadAllText(Path.Combine(dirs.Input, dirId, "a.txt")));
        Assert.Equal(FileKind.Directory, FileKindProbe.Of(Path.Combine(dirs.Input, dirId)));
        Assert.DoesNotContain(HostileRoot.Snapshot(dirs.Input).Values, v => v.StartsWith("l:", StringComparison.Ordinal));
        return Verdict.Contained;
    });

    [Fact]
    public Task A_file_flipped_to_a_link_while_staging_never_stages_outside_content() => HostileLedger.RunAsync(Area, "race: file flipped between regular and link", async () =>
    {
        var (root, dirs, store) = Setup();
        using var _ = root;
        root.WriteFile("data/set/keep.txt", "keep");
        var flip = root.Combine("data/set/flip.txt");
        File.WriteAllText(flip, "inside");
        var staging = root.Combine("data/flip.tmp");
        var linkStaging = root.Combine("data/flip.lnk");
        var id = store.AddPosix("file://" + root.Combine("data/set"),
            TreeHash.Compute([("flip.txt", Sha("inside")), ("keep.txt", Sha("keep"))]));
        var stager = Stager(root, store);
        int stagings = 0, staged = 0, refused = 0;
        var race = await RaceRunner.RunAsync(200, () =>
        {
            File.CreateSymbolicLink(linkStaging, root.SecretFile);
            File.Move(linkStaging, flip, overwrite: true); // rename(2) replaces atomically
            File.WriteAllText(staging, "inside");
            File.Move(staging, flip, overwrite: true);
        }, async () =>
        {
            stagings++;
            if (await StageOrRefuseAsync(stager, id, dirs, "flip.txt", e => e.Message.Contains("symbolic link", StringComparison.Ordinal))) staged++;
            else refused++;
        });
        ContainmentFigures.Print(output, $"posix view flip race: {stagings} stagings, {race.Moves} flips, staged {staged} times (always the inside " +
                                         $"content), refused as a link {refused} times, canary staged 0 times ({race.Elapsed.TotalSeconds:0.0}s)");
        Assert.True(race.Moves > 0);
        return Verdict.Contained;
    });

    [Fact]
    public Task Exchanging_the_input_directory_with_a_link_never_stages_outside_content() => HostileLedger.RunAsync(Area, "race: renameat2 RENAME_EXCHANGE of the input and a subdirectory", async () =>
    {
        var (root, dirs, store) = Setup();
        using var _ = root;
        root.WriteFile("data/set/sub/inner-secret.txt", "inside");
        var set = root.Combine("data/set");
        var sub = root.Combine("data/set/sub");
        var decoySet = root.Combine("data/decoy-set");
        var decoySub = root.Combine("data/set-decoy-sub");
        File.CreateSymbolicLink(decoySet, root.Outside);
        File.CreateSymbolicLink(decoySub, root.Combine("outside/dir")); // holds inner-secret.txt with the canary
        var id = store.AddPosix("file://" + set, Sha("inside"));
        var stager = Stager(root, store);
        int stagings = 0, staged = 0, refused = 0;
        var race = await RaceRunner.RunAsync(200, () =>
        {
            // The subdirectory moves between set/sub and data/set-decoy-sub, and set itself with a link to outside/.
            Exchange(set, decoySet);
            Exchange(decoySet, set);
            Exchange(sub, decoySub);
            Exchange(decoySub, sub);
        }, async () =>
        {
            stagings++;
            // Refused: outside the roots, a link met on the way down, or changed while being staged.
            if (await StageOrRefuseAsync(stager, id, dirs, "sub/inner-secret.txt", _ => true)) staged++;
            else refused++;
        });
        ContainmentFigures.Print(output, $"posix view RENAME_EXCHANGE race: {stagings} stagings, {race.Moves * 4} exchanges, staged {staged} times, " +
                                         $"refused {refused} times, canary staged 0 times ({race.Elapsed.TotalSeconds:0.0}s)");
        Assert.True(race.Moves > 0);
        return Verdict.Contained;
    });

    [Fact]
    public Task Content_that_does_not_match_the_declared_hash_is_refused() => HostileLedger.RunAsync(Area, "hash mismatch", async () =>
    {
        var (root, dirs, store) = Setup();
        using var _ = root;
        var file = root.WriteFile("data/reads.txt", "not what was committed");
        var id = store.AddPosix("file://" + file, Sha("what was committed"));

        var e = await Assert.ThrowsAsync<StagingException>(() => Stage(Stager(root, store), id, dirs));

        Assert.True(e.IsHashMismatch, e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dirs.Input)); // neither the view nor its temporary name
        return Verdict.Refused;
    });

    [Fact]
    public Task A_refused_hard_link_falls_back_to_a_private_copy_of_the_checked_file() => HostileLedger.RunAsync(Area, "EPERM (protected_hardlinks): copy", async () =>
    {
        var (root, dirs, store) = Setup();
        using var _ = root;
        var file = root.WriteFile("data/set/tool.sh", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(file, (UnixFileMode)0x1ED); // 0755
        root.WriteFile("data/set/b/c.txt", "bye");
        var id = store.AddPosix("file://" + root.Combine("data/set"),
            TreeHash.Compute([("b/c.txt", Sha("bye")), ("tool.sh", Sha("#!/bin/sh\necho hi\n"))]));
        var linker = new RefusingLinker(Libc.EPERM);

        await Stage(Stager(root, store, new StagingOptions { Linker = linker }), id, dirs);

        var copy = Path.Combine(dirs.Input, id, "tool.sh");
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(copy));
        Assert.NotEqual(Inode(file), Inode(copy));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(copy)); // 0700: private, still executable by its owner
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(dirs.Input, id, "b", "c.txt"))); // 0600
        Assert.Equal(2, linker.Refused);
        return Verdict.Contained;
    });

    [Fact]
    public Task Across_file_systems_the_view_is_a_copy() => HostileLedger.RunAsync(Area, "EXDEV (jobs root on another file system): copy", async () =>
    {
        // /dev/shm is a tmpfs, the temp directory is not (where both are one file system, EXDEV cannot happen here).
        var shm = Directory.CreateTempSubdirectory("emx2hpc-exdev-");
        var jobs = "/dev/shm/" + Path.GetFileName(shm.FullName);
        shm.Delete();
        if (!Directory.Exists("/dev/shm")) return Verdict.Contained;
        Directory.CreateDirectory(jobs);
        var (root, dirs, store) = Setup(jobs);
        using var _ = root;
        try
        {
            var file = root.WriteFile("data/reads.txt", "across devices");
            if (Device(file) == Device(jobs))
            {
                output.WriteLine("/dev/shm is on the same file system as the temp directory here; EXDEV not exercised");
                return Verdict.Contained;
            }
            var id = store.AddPosix("file://" + file, Sha("across devices"));

            var staged = await Stage(Stager(root, store), id, dirs);

            var view = Path.Combine(dirs.Input, id);
            Assert.Equal("across devices", File.ReadAllText(view));
            Assert.NotEqual(Device(file), Device(view));
            Assert.Equal(Sha("across devices"), staged.Items[0].Sha256);
            return Verdict.Contained;
        }
        finally
        {
            Directory.Delete(jobs, recursive: true);
        }
    });

    [Fact]
    public Task A_copy_over_the_limit_is_refused_clearly() => HostileLedger.RunAsync(Area, "copy over staging.max_posix_copy_bytes", async () =>
    {
        var (root, dirs, store) = Setup();
        using var _ = root;
        // Copied in name order: large.txt (40 bytes) fits, small.txt (15 more) takes the job over the limit.
        root.WriteFile("data/set/large.txt", new string('x', 40));
        root.WriteFile("data/set/small.txt", new string('y', 15));
        var id = store.AddPosix("file://" + root.Combine("data/set"), Sha("unused"));
        var options = new StagingOptions { Linker = new RefusingLinker(Libc.EXDEV), MaxPosixCopyBytes = 50 };

        var e = await Assert.ThrowsAsync<StagingException>(() => Stage(Stager(root, store, options), id, dirs));

        Hostile.AssertNames(e, id, "small.txt", "staging.max_posix_copy_bytes (50)", "55 bytes");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dirs.Input));
        var never = await Assert.ThrowsAsync<StagingException>(() =>
            Stage(Stager(root, store, options with { MaxPosixCopyBytes = 0 }), id, dirs));
        Assert.Contains("staging.max_posix_copy_bytes (0)", never.Message);
        return Verdict.Refused;
    });

    /// <summary>One attempt of a race, for a fresh job: the input is staged with the inside content (true), or refused
    /// for a reason <paramref name="expected"/> accepts, leaving nothing behind (false); never the canary.</summary>
    private static async Task<bool> StageOrRefuseAsync(InputStager stager, string id, JobDirectories dirs, string insideFile,
        Func<StagingException, bool> expected)
    {
        var view = Path.Combine(dirs.Input, id);
        if (Directory.Exists(view)) Directory.Delete(view, recursive: true);
        bool staged;
        try
        {
            await Stage(stager, id, dirs);
            Assert.Equal("inside", File.ReadAllText(Path.Combine(view, insideFile)));
            staged = true;
        }
        catch (StagingException e) when (expected(e))
        {
            Assert.Equal(FileKind.Missing, FileKindProbe.Of(view));
            staged = false;
        }
        AssertNoCanary(dirs.Input);
        return staged;
    }

    private static void AssertNoCanary(string input)
    {
        foreach (var (path, fingerprint) in HostileRoot.Snapshot(input))
        {
            Assert.False(fingerprint.StartsWith("l:", StringComparison.Ordinal), $"{path} is a link in the view");
            Assert.NotEqual(Sha(HostileRoot.CanaryText), fingerprint);
        }
    }

    private static ulong Inode(string path) => Stat(path).Inode;
    private static ulong Device(string path) => Stat(path).Device;

    private static FileStatus Stat(string path)
    {
        using var dir = DirectoryHandle.Open(Path.GetDirectoryName(path)!, followLinks: true);
        return dir.StatusOf(Path.GetFileName(path))!.Value;
    }

    private static void Exchange(string a, string b)
    {
        if (renameat2(-100, a, -100, b, RenameExchange) != 0)
            throw new IOException($"renameat2 failed (errno {Marshal.GetLastPInvokeError()})");
    }

    private const uint RenameExchange = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);

    /// <summary>The kernel refusing every hard link (as fs.protected_hardlinks does for files the service account
    /// neither owns nor may write, or EXDEV across file systems); the tests run as root, whom the protection exempts.</summary>
    private sealed class RefusingLinker(int errno) : IInodeLinker
    {
        public int Refused { get; private set; }

        public int Link(SafeFileHandle source, DirectoryHandle directory, string name)
        {
            Refused++;
            return errno;
        }
    }
}
