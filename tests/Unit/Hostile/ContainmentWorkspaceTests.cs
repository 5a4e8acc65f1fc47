using System.Diagnostics;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Containment of the worker's own files against a hostile local user and a hostile job: the jobs root must be
/// owned and private, job directories are created exclusively (a planted one fails the job and is never written
/// into), the batch script is never written through a link, everything created is private, a stuck cycle lock is
/// reported, and a job whose results fail on every attempt ends FAILED instead of staying in flight.</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContainmentWorkspaceTests(ITestOutputHelper output)
{
    private const string Area = "containment (worker files)";

    [Fact]
    public Task Jobs_root_open_to_others_refuses_staging() => HostileLedger.RunAsync(Area, "jobs root mode 0777", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        File.SetUnixFileMode(h.JobsRoot, (UnixFileMode)Convert.ToInt32("777", 8));
        Assert.Contains("mode 0777", JobsRoot.Verify(h.JobsRoot));
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });

        var report = await h.CycleAsync();

        Assert.Equal(0, h.Scheduler.Submits);
        Assert.Contains(report.Errors, e => e.Contains("chmod 700", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(h.JobsRoot, jobId)), "a job directory was created in an unsafe root");
        return Verdict.Refused;
    });

    [Fact]
    public Task Check_fails_on_a_jobs_root_open_to_others() => HostileLedger.RunAsync(Area, "check: jobs root mode 0755", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        File.SetUnixFileMode(h.JobsRoot, (UnixFileMode)Convert.ToInt32("755", 8));
        var result = Assert.Single(Emx2Hpc.Core.Checks.LocalChecks.Run(h.Config, simulate: true), r => r.Name == "jobs directory");
        Assert.Equal(Emx2Hpc.Core.Checks.CheckStatus.Fail, result.Status);
        Assert.Contains("mode 0755", result.Detail);
        return Verdict.Refused;
    });

    [Fact]
    public Task Jobs_root_owned_by_someone_else_is_named() => HostileLedger.RunAsync(Area, "jobs root not owned by the service account", () =>
    {
        // /tmp is owned by root with mode 1777: what the old default sat in.
        var problem = JobsRoot.Verify("/tmp");
        Assert.NotNull(problem);
        Assert.Contains("/tmp", problem);
        return Task.FromResult(Verdict.Refused);
    });

    [Fact]
    public Task Planted_job_directory_fails_the_job_and_is_never_written() => HostileLedger.RunAsync(Area, "pre-created job directory with planted links", async () =>
    {
        var scheduler = new RecordingScheduler();
        await using var h = await CycleHarness.StartAsync(scheduler);
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        // A hostile local user (or another job) creates <root>/<job id>/ first, with links where the worker writes.
        var planted = Path.Combine(h.JobsRoot, jobId);
        Directory.CreateDirectory(planted);
        File.CreateSymbolicLink(Path.Combine(planted, JobDirectories.ScriptName), h.Root.SecretFile);
        File.CreateSymbolicLink(Path.Combine(planted, "input"), h.Root.Outside);
        var before = h.Root.Snapshot();

        await h.CycleAsync();

        Assert.Equal(JobStatus.Failed, h.Job(jobId).Status);
        Assert.Contains("already existed", h.LastDetail(jobId));
        Assert.Equal(0, h.Scheduler.Submits);
        HostileRoot.AssertChangesOnlyUnder(before, h.Root.Snapshot(), "state");
        Assert.Equal(HostileRoot.CanaryText, File.ReadAllText(h.Root.SecretFile));
        return Verdict.Refused;
    });

    [Fact]
    public Task Batch_script_is_never_written_through_a_link() => HostileLedger.RunAsync(Area, "job.sbatch planted as a link", () =>
    {
        using var root = new HostileRoot();
        var jobs = root.Combine("jobs");
        PrivateFiles.CreateDirectory(jobs);
        JobWorkspace.Create(jobs, "job-1", resuming: false);
        var dirs = JobDirectories.For(jobs, "job-1");
        File.CreateSymbolicLink(dirs.ScriptPath, root.SecretFile);

        JobWorkspace.WriteScript(dirs, "#!/bin/bash\necho hi\n");

        Assert.Equal(HostileRoot.CanaryText, File.ReadAllText(root.SecretFile));
        Assert.Equal(FileKind.Regular, FileKindProbe.Of(dirs.ScriptPath));
        Assert.Equal(PrivateFiles.Directory, File.GetUnixFileMode(dirs.ScriptPath));
        return Task.FromResult(Verdict.Refused);
    });

    [Fact]
    public Task Everything_the_worker_creates_is_private() => HostileLedger.RunAsync(Area, "state.db, -wal and job directories are private", () =>
    {
        using var root = new HostileRoot();
        var db = root.Combine("state/state.db");
        Directory.CreateDirectory(root.Combine("state"));
        File.WriteAllBytes(db, []);
        File.SetUnixFileMode(db, (UnixFileMode)Convert.ToInt32("644", 8)); // as the old code left it
        using (var store = StateStore.Open(db))
        {
            store.SetMeta("probe", "x");
            foreach (var file in new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists))
                Assert.True(File.GetUnixFileMode(file) == PrivateFiles.File, $"{file} is {File.GetUnixFileMode(file)}");
        }
        var jobs = root.Combine("jobs");
        Assert.Null(JobsRoot.Ensure(jobs));
        JobWorkspace.Create(jobs, "job-1", resuming: false);
        foreach (var dir in new[] { jobs, Path.Combine(jobs, "job-1"), Path.Combine(jobs, "job-1", "input"), Path.Combine(jobs, "job-1", "output") })
            Assert.Equal(PrivateFiles.Directory, File.GetUnixFileMode(dir));
        return Task.FromResult(Verdict.Contained);
    });

    [Fact]
    public Task Job_directory_is_removed_after_retention_without_following_links() => HostileLedger.RunAsync(Area, "retention removes job directories, never link targets", async () =>
    {
        var scheduler = new RecordingScheduler
        {
            OnSubmit = spec =>
            {
                File.WriteAllText(Path.Combine(spec.Directories.Output, "result.txt"), "r");
                File.CreateSymbolicLink(Path.Combine(spec.Directories.Work, "outside"), Path.GetFullPath(Path.Combine(spec.Directories.Root, "../../outside")));
            },
        };
        await using var h = await CycleHarness.StartAsync(scheduler);
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        var config = h.Config with { Worker = h.Config.Worker with { JobRetentionHours = 0 } };
        for (var i = 0; i < 4 && (Directory.Exists(Path.Combine(h.JobsRoot, jobId)) || !JobStatus.IsTerminal(h.Job(jobId).Status)); i++)
        {
            using var runner = new CycleRunner(config, new CycleRunnerOptions { Scheduler = h.Scheduler, HttpHandler = h.Wire }, h.Log);
            await runner.RunOnceAsync();
        }
        Assert.Equal(JobStatus.Completed, h.Job(jobId).Status);
        Assert.False(Directory.Exists(Path.Combine(h.JobsRoot, jobId)), "job directory still there after its retention");
        Assert.Equal(HostileRoot.CanaryText, File.ReadAllText(h.Root.SecretFile));
        return Verdict.Contained;
    });

    [Fact]
    public Task Stuck_cycle_lock_is_reported_as_a_failure() => HostileLedger.RunAsync(Area, "cycle lock held far longer than a cycle may run", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        var lockPath = CycleLock.PathFor(h.Config.Worker.StateDb);
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        using var held = CycleLock.TryAcquire(lockPath, TimeSpan.Zero, out _)!;
        // The holder took it three hours ago (a cycle blocked on a FIFO in the old code, for instance).
        File.WriteAllText(lockPath + ".owner", $"pid={Environment.ProcessId} host=test since={DateTimeOffset.UtcNow.AddHours(-3):O}\n");

        var report = await h.CycleAsync();

        Assert.True(report.LockStuck, $"not reported as stuck: {report}");
        Assert.Contains("stuck", report.SkipReason);
        return Verdict.Refused;
    });

    [Fact]
    public Task Results_failing_on_every_attempt_end_FAILED_after_a_bounded_number_of_tries() => HostileLedger.RunAsync(Area, "result collection failing every cycle", async () =>
    {
        var scheduler = new RecordingScheduler
        {
            // Hashing 4 TiB of holes cannot finish within a one-second step budget: the same failure every cycle.
            OnSubmit = spec => { using var f = new FileStream(Path.Combine(spec.Directories.Output, "huge.bin"), FileMode.CreateNew); f.SetLength(4L << 40); },
        };
        await using var h = await CycleHarness.StartAsync(scheduler);
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        var config = h.Config with
        {
            Worker = h.Config.Worker with { StepTimeoutSeconds = 1 },
            Staging = h.Config.Staging with { MaxOutputBytes = 8L << 40 },
        };
        var watch = Stopwatch.StartNew();
        var cycles = 0;
        for (; cycles < 12 && !JobStatus.IsTerminal(h.Job(jobId).Status); cycles++)
        {
            using var runner = new CycleRunner(config, new CycleRunnerOptions { Scheduler = h.Scheduler, HttpHandler = h.Wire }, h.Log);
            await runner.RunOnceAsync();
        }
        ContainmentFigures.Print(output, $"result collection failing every cycle: FAILED after {cycles} cycles ({JobFinisherAttempts} attempts allowed, {watch.Elapsed.TotalSeconds:0.0}s)");
        Assert.Equal(JobStatus.Failed, h.Job(jobId).Status);
        Assert.Contains($"after {JobFinisherAttempts} attempts", h.LastDetail(jobId));
        return Verdict.Refused;
    });

    private const int JobFinisherAttempts = 5;

    [Theory]
    [InlineData("staging:\n  max_output_files: 0\n", "staging.max_output_files", 2)]
    [InlineData("staging:\n  max_output_bytes: lots\n", "staging.max_output_bytes", 2)]
    [InlineData("worker:\n  job_retention_hours: -1\n", "worker.job_retention_hours", 2)]
    public void Output_limit_keys_are_validated_with_positions(string yaml, string key, int line) =>
        HostileLedger.Run(Area, "config " + key, () =>
        {
            var ex = Assert.Throws<ConfigException>(() => HpcConfigLoader.LoadText(yaml, "config.yaml", "/etc/emx2-hpc"));
            var error = Assert.Single(ex.Errors);
            Assert.Equal(key, error.KeyPath);
            Assert.Equal(line, error.Line);
            return Verdict.Refused;
        });
}
