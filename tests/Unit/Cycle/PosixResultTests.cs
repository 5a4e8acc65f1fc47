using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>Posix-residence results are moved under staging.posix_output_root before EMX2 is given their file:// URL,
/// with a write-ahead record (Moving, then Moved with the manifest) that makes a kill -9 anywhere converge, and their own
/// retention, which removes by descriptor and never follows a link.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PosixResultTests(ITestOutputHelper output)
{
    private static string Sha(string text) => BodyHash.OfUtf8(text);

    private Task<CycleHarness> Harness() => CycleHarness.StartAsync(output, o =>
    {
        o.Scripted = true;
        o.Profiles.Add(CycleHarness.HostProfile(CycleHarness.Processor, "posix") with { OutputResidence = Residence.Posix, LogResidence = Residence.Posix });
    });

    private static async Task<(string Id, string SlurmId)> FinishedJobAsync(CycleHarness h)
    {
        var id = await h.CreateJobAsync(profile: "posix");
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.WriteOutput(id, $"slurm-{slurmId}.out", "log line\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.WriteOutput(id, "a/b/c.txt", "nested\n");
        h.Scripted.SetState(slurmId, "COMPLETED", "0:0");
        return (id, slurmId);
    }

    private static string Durable(CycleHarness h, string id) => Path.Join(h.Config.Staging.PosixOutputRoot, id);

    private static List<string> Tree(string root) => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
        .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Results_are_moved_before_registration_and_the_job_directory_goes_with_normal_retention()
    {
        await using var h = await Harness();
        var (id, slurmId) = await FinishedJobAsync(h);

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        var durable = Durable(h, id);
        Assert.Equal(new Uri(durable).AbsoluteUri, h.Artifact(job.OutputArtifactId!).ContentUrl);
        Assert.Equal(new Uri(durable).AbsoluteUri, h.Artifact(job.LogArtifactId!).ContentUrl);
        Assert.Equal(["a", "a/b", "a/b/c.txt", "result.txt", $"slurm-{slurmId}.out"], Tree(durable));
        Assert.Equal("nested\n", File.ReadAllText(Path.Join(durable, "a/b/c.txt")));
        Assert.Equal(0, (int)File.GetUnixFileMode(durable) & 0x12); // never writable by group or others
        Assert.Equal(PosixOutputState.Moved, h.Store.GetPosixOutput(id)!.State);
        Assert.Equal(WorkspaceState.Released, h.Store.GetWorkspace(id)!.State); // no longer kept forever for EMX2's sake
    }

    [Fact]
    public async Task A_kill_between_the_record_and_the_move_converges_without_duplicates()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        // The previous run recorded Moving, renamed result.txt into the temporary tree, had (in another attempt) renamed
        // a/b/c.txt into the final one, and died: those files are no longer in output/.
        var durable = Durable(h, id);
        PrivateFiles.CreateDirectory(h.Config.Staging.PosixOutputRoot);
        h.Store.SetPosixOutput(id, durable, PosixOutputState.Moving);
        var partial = Path.Join(h.Config.Staging.PosixOutputRoot, $".{id}.partial");
        Directory.CreateDirectory(partial);
        File.Move(Path.Join(h.Dirs(id).Output, "result.txt"), Path.Join(partial, "result.txt"));
        Directory.CreateDirectory(Path.Join(durable, "a", "b"));
        File.Move(Path.Join(h.Dirs(id).Output, "a", "b", "c.txt"), Path.Join(durable, "a", "b", "c.txt"));
        var outside = Directory.CreateTempSubdirectory("emx2hpc-outside-");
        File.WriteAllText(Path.Join(outside.FullName, "keep.txt"), "not ours");
        File.CreateSymbolicLink(Path.Join(partial, "link"), outside.FullName);

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.False(Path.Exists(partial));
        Assert.Equal(["a", "a/b", "a/b/c.txt", "result.txt"], Tree(durable).Where(p => !p.StartsWith("slurm-", StringComparison.Ordinal)));
        Assert.Equal("not ours", File.ReadAllText(Path.Join(outside.FullName, "keep.txt"))); // the leftover link was not followed
        outside.Delete(recursive: true);
        Assert.Equal("42\n", File.ReadAllText(Path.Join(durable, "result.txt")));
        Assert.Single(h.ArtifactsOf(id), a => a.Type == "blob");
        Assert.Equal(TreeHash.Compute([("a/b/c.txt", Sha("nested\n")), ("result.txt", Sha("42\n"))]), h.Artifact(job.OutputArtifactId!).Sha256);
        Assert.Equal(PosixOutputState.Moved, h.Store.GetPosixOutput(id)!.State);
    }

    [Fact]
    public async Task Once_moved_a_restart_registers_the_recorded_manifest_whatever_output_now_holds()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        h.Http.CrashAt(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath == "/api/hpc/artifacts", CrashPoint.BeforeSend);
        await h.RunCycleAsync();
        Assert.Equal(PosixOutputState.Moved, h.Store.GetPosixOutput(id)!.State);
        h.Restart();
        // The job's directory is still there (released only after the final report): a late writer puts a new result
        // where the moved one was.
        File.WriteAllText(Path.Join(h.Dirs(id).Output, "result.txt"), "tampered\n");

        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("42\n", File.ReadAllText(Path.Join(Durable(h, id), "result.txt")));
        Assert.Contains(h.Files(job.OutputArtifactId!), f => f.Path == "result.txt" && f.Sha256 == Sha("42\n"));
    }

    [Fact]
    public async Task A_directory_this_worker_did_not_make_is_never_used()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        var durable = Durable(h, id);
        PrivateFiles.CreateDirectory(h.Config.Staging.PosixOutputRoot);
        Directory.CreateDirectory(durable);
        File.WriteAllText(Path.Join(durable, "planted.txt"), "planted");

        await h.RunCycleAsync();
        await h.RunCycleAsync();

        Assert.Equal(["planted.txt"], Tree(durable));
        Assert.Null(h.Store.GetPosixOutput(id));
        Assert.Contains("was not made by this worker", h.LogText());
        Assert.NotEqual(JobStatus.Completed, h.Job(id).Status);
    }

    [Fact]
    public async Task A_root_others_may_write_is_refused()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        PrivateFiles.CreateDirectory(h.Config.Staging.PosixOutputRoot);
        File.SetUnixFileMode(h.Config.Staging.PosixOutputRoot, (UnixFileMode)0x1FF); // 0777

        await h.RunCycleAsync();

        Assert.False(Path.Exists(Durable(h, id)));
        Assert.Contains("group or others may write it", h.LogText());
        Assert.NotEqual(JobStatus.Completed, h.Job(id).Status);
    }

    [Fact]
    public async Task A_result_swapped_for_a_link_after_collection_is_put_back_and_never_published()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        var secret = Path.Join(h.Root, "secret.txt");
        File.WriteAllText(secret, "the worker's secret");
        using var collected = await OutputCollector.CollectAsync(h.Dirs(id));
        // After collection checked and hashed result.txt, a lingering process renames a link over it.
        var result = Path.Join(h.Dirs(id).Output, "result.txt");
        File.CreateSymbolicLink(result + ".lnk", secret);
        File.Move(result + ".lnk", result, overwrite: true);

        var e = await Assert.ThrowsAsync<IOException>(() =>
            new PosixResultMover(Context(h, h.Config)).PlaceAsync(id, h.Dirs(id), [], collected.Outputs, CancellationToken.None));

        Assert.Contains("result.txt was replaced after it was collected", e.Message);
        Assert.Equal(FileKind.Symlink, FileKindProbe.Of(result)); // put back where the job left it
        var partial = Path.Join(h.Config.Staging.PosixOutputRoot, $".{id}.partial");
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(partial, "*", SearchOption.AllDirectories), p => FileKindProbe.Of(p) == FileKind.Symlink);
        Assert.False(Path.Exists(Durable(h, id)));
        Assert.Equal(PosixOutputState.Moving, h.Store.GetPosixOutput(id)!.State); // the next attempt restores and collects again
    }

    private static CycleContext Context(CycleHarness h, HpcConfig config) => new()
    {
        Config = config, Client = h.Runner.Context.Client, Store = h.Store, Scheduler = h.Scheduler, Log = HpcLog.Null, Clock = h.Clock,
    };

    [Fact]
    public async Task Retention_removes_expired_results_by_descriptor_and_keeps_them_by_default()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        await h.RunUntilFinishedAsync(id);
        var durable = Durable(h, id);
        var outside = Directory.CreateTempSubdirectory("emx2hpc-outside-");
        File.WriteAllText(Path.Join(outside.FullName, "keep.txt"), "not ours");
        File.CreateSymbolicLink(Path.Join(durable, "a", "escape"), outside.FullName);
        h.Clock.Advance(TimeSpan.FromDays(400));

        Assert.Equal(0, Sweep(h, days: 0)); // the default: EMX2 still points there
        Assert.True(Directory.Exists(durable));
        Assert.Equal(0, Sweep(h, days: 401));
        Assert.True(Directory.Exists(durable));

        // A kill -9 mid-removal leaves Removing: the next sweep finishes it.
        h.Store.SetPosixOutput(id, durable, PosixOutputState.Removing);
        Assert.Equal(1, Sweep(h, days: 365));

        Assert.False(Path.Exists(durable));
        Assert.Equal("not ours", File.ReadAllText(Path.Join(outside.FullName, "keep.txt")));
        Assert.Equal(PosixOutputState.Removed, h.Store.GetPosixOutput(id)!.State);
        Assert.Equal(0, Sweep(h, days: 365));
        outside.Delete(recursive: true);
    }

    [Fact]
    public async Task A_move_abandoned_with_its_job_is_cleaned_up_and_an_unsafe_root_stops_the_sweep()
    {
        await using var h = await Harness();
        var (id, _) = await FinishedJobAsync(h);
        var root = h.Config.Staging.PosixOutputRoot;
        PrivateFiles.CreateDirectory(root);
        var partial = Path.Join(root, $".{id}.partial");
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Join(partial, "result.txt"), "moved before the job was given up on");
        h.Store.SetPosixOutput(id, Durable(h, id), PosixOutputState.Moving);

        Assert.Equal(0, Sweep(h, days: 0)); // still tracked: the next finishing attempt restores it
        Assert.True(Directory.Exists(partial));

        h.Store.InTransaction(tx => tx.Remove(id)); // given up on and retired
        Assert.Equal(1, Sweep(h, days: 0));
        Assert.False(Path.Exists(partial));
        Assert.Equal(PosixOutputState.Removed, h.Store.GetPosixOutput(id)!.State);

        File.SetUnixFileMode(root, (UnixFileMode)0x1FF); // 0777
        var e = Assert.Throws<IOException>(() => Sweep(h, days: 0));
        Assert.Contains("group or others may write it", e.Message);
    }

    private static int Sweep(CycleHarness h, int days)
    {
        var ctx = Context(h, h.Config with { Staging = h.Config.Staging with { PosixOutputRetentionDays = days } });
        var workspace = new StagingWorkspace(ctx, new InputStager(new Emx2ArtifactStore(ctx.Client), new StagingOptions(), HpcLog.Null));
        return new PosixOutputRetention(ctx, workspace).Sweep(CancellationToken.None);
    }

    [Fact]
    public void Check_says_whether_posix_inputs_will_be_linked_or_copied()
    {
        var temp = Directory.CreateTempSubdirectory("emx2hpc-check-");
        try
        {
            var jobs = Directory.CreateDirectory(Path.Join(temp.FullName, "jobs")).FullName;
            var data = Directory.CreateDirectory(Path.Join(temp.FullName, "data")).FullName;
            var config = new HpcConfig
            {
                Worker = new WorkerSettings { StateDb = Path.Join(temp.FullName, "state.db") },
                Apptainer = new ApptainerSettings { TmpDir = jobs },
                Staging = new StagingSettings { AllowedPosixRoots = [data] },
            };
            CheckResult Line(HpcConfig c) => Assert.Single(LocalChecks.Run(c, simulate: true), r => r.Name == "posix inputs");

            Assert.Equal(CheckStatus.Pass, Line(config).Status);
            Assert.Contains("hard-linked", Line(config).Detail);
            var missing = Line(config with { Staging = new StagingSettings { AllowedPosixRoots = [Path.Join(temp.FullName, "gone")] } });
            Assert.Equal(CheckStatus.Warn, missing.Status);
            Assert.Contains("gone", missing.Detail);
            if (Directory.Exists("/dev/shm"))
            {
                var other = Line(config with { Staging = new StagingSettings { AllowedPosixRoots = ["/dev/shm"], MaxPosixCopyBytes = 123 } });
                // tmpfs is another file system than the temp directory on every Linux host this runs on
                Assert.Equal(CheckStatus.Warn, other.Status);
                Assert.Contains("copied into each job, at most 123 bytes per job", other.Detail);
            }
            Assert.DoesNotContain(LocalChecks.Run(config with { Staging = new StagingSettings() }, simulate: true), r => r.Name == "posix inputs");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void Check_names_the_root_its_state_and_the_profiles_that_use_it()
    {
        var temp = Directory.CreateTempSubdirectory("emx2hpc-check-");
        try
        {
            var profile = CycleHarness.HostProfile(CycleHarness.Processor, "posix") with { OutputResidence = Residence.Posix };
            var root = Path.Join(temp.FullName, "results");
            var config = new HpcConfig
            {
                Worker = new WorkerSettings { StateDb = Path.Join(temp.FullName, "state.db") },
                Apptainer = new ApptainerSettings { TmpDir = Path.Join(temp.FullName, "jobs") },
                Profiles = [profile],
                Staging = new StagingSettings { PosixOutputRoot = root, PosixOutputRootConfigured = true, PosixOutputRetentionDays = 90 },
            };
            CheckResult Line(HpcConfig c) => Assert.Single(LocalChecks.Run(c, simulate: true), r => r.Name == "posix output root");

            var pass = Line(config);
            Assert.Equal(CheckStatus.Pass, pass.Status);
            Assert.Contains(profile.Key, pass.Detail);
            Assert.Contains("removed 90 days after", pass.Detail);
            Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(root)); // created 0700

            File.SetUnixFileMode(root, (UnixFileMode)0x1FD); // 0775
            var fail = Line(config);
            Assert.Equal(CheckStatus.Fail, fail.Status);
            Assert.Contains($"chmod go-w {root}", fail.Detail);

            var unset = Line(config with { Staging = new StagingSettings { PosixOutputRoot = Path.Join(temp.FullName, "posix-outputs") } });
            Assert.Equal(CheckStatus.Warn, unset.Status);
            Assert.Contains("staging.posix_output_root is not set", unset.Detail);
            Assert.Contains("kept until removed by an administrator", unset.Detail);

            Assert.DoesNotContain(LocalChecks.Run(config with { Profiles = [CycleHarness.MainProfile] }, simulate: true), r => r.Name == "posix output root");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
