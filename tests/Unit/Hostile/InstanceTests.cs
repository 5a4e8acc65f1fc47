using System.Globalization;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>One worker id, one instance. Two state databases for one worker id (cron and an interactive shell with
/// different HOMEs, a copied config, a second host) made the second instance adopt the first one's CLAIMED job as its
/// own crash leftover and submit it again. The second instance must stop before it claims or adopts anything; a
/// restart of the same instance (same state database) must never be refused.</summary>
[Collection(HostileCollection.Name)]
public sealed class InstanceTests
{
    private const string Area = "one worker id, one instance";

    private static HpcConfig Instance(CycleHarness h, string name, bool registry) => h.Config with
    {
        Worker = h.Config.Worker with
        {
            StateDb = h.Root.Combine($"{name}/state.db"),
            InstanceRegistry = registry ? h.Root.Combine("registry") : null,
        },
    };

    private static async Task<CycleReport> CycleAsync(CycleHarness h, HpcConfig config, RecordingScheduler scheduler)
    {
        using var runner = new CycleRunner(config, new CycleRunnerOptions { Scheduler = scheduler, HttpHandler = h.Wire }, h.Log);
        return await runner.RunOnceAsync();
    }

    private static int TrackedIn(HpcConfig config)
    {
        using var store = StateStore.Open(config.Worker.StateDb);
        return store.ListJobs().Count;
    }

    [Fact]
    public Task Second_state_database_on_this_host_is_refused_before_any_request() => HostileLedger.RunAsync(Area, "second state database, same host", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        var first = Instance(h, "cron", registry: true);
        var second = Instance(h, "interactive", registry: true);
        var firstScheduler = new RecordingScheduler { Outcome = "RUNNING" };
        var secondScheduler = new RecordingScheduler();
        Assert.Null((await CycleAsync(h, first, firstScheduler)).InstanceConflict);
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });

        var requestsBefore = h.Wire.Requests.Count;
        var refused = await CycleAsync(h, second, secondScheduler);

        Assert.NotNull(refused.InstanceConflict);
        Hostile.AssertNames(new InvalidOperationException(refused.InstanceConflict), CycleHarness.WorkerId, first.Worker.StateDb, second.Worker.StateDb);
        Assert.Equal(requestsBefore, h.Wire.Requests.Count); // not even registered
        Assert.Equal(JobStatus.Pending, h.Job(jobId).Status);
        Assert.Equal(0, secondScheduler.Submits);
        Assert.Equal(0, TrackedIn(second));
        // `check` says so too, without changing the binding.
        Assert.Contains(Emx2Hpc.Core.Checks.LocalChecks.Run(second, simulate: true),
            r => r.Name == "instance" && r.Status == Emx2Hpc.Core.Checks.CheckStatus.Fail && r.Detail.Contains(first.Worker.StateDb));
        Assert.Contains(Emx2Hpc.Core.Checks.LocalChecks.Run(first, simulate: true),
            r => r.Name == "instance" && r.Status == Emx2Hpc.Core.Checks.CheckStatus.Pass);

        // The first instance restarting (a new process, as after kill -9 or a reboot) is never refused ...
        var again = await CycleAsync(h, first, firstScheduler);
        Assert.Null(again.InstanceConflict);
        Assert.Equal(1, again.Claimed);
        // ... nor is it after its database was lost and recreated at the same path.
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(first.Worker.StateDb + suffix);
        Assert.Null((await CycleAsync(h, first, firstScheduler)).InstanceConflict);
        Assert.Equal(1, firstScheduler.Submits);
        Assert.Equal(0, secondScheduler.Submits);
        return Verdict.Refused;
    });

    [Fact]
    public void Binding_of_a_database_that_no_longer_exists_moves_with_a_warning() => HostileLedger.Run(Area, "stale binding (old state database deleted)", () =>
    {
        using var root = new HostileRoot();
        var registry = new InstanceRegistry(root.Combine("registry"));
        var emx2 = new Uri("https://emx2.example.org/");
        var old = root.WriteFile("old/state.db", "x");
        root.WriteFile("new/state.db", "x");
        Assert.Null(registry.Claim("w1", emx2, old));
        Assert.Null(registry.Claim("w1", emx2, old)); // the same database again: nothing to say
        Assert.Throws<InstanceConflictException>(() => registry.Claim("w1", emx2, root.Combine("new/state.db")));
        Assert.Null(registry.Claim("w1", new Uri("https://other-emx2.example.org/"), root.Combine("new/state.db"))); // ids are per server
        File.Delete(old);
        Assert.Contains("no longer exists", registry.Claim("w1", emx2, root.Combine("new/state.db")));
        Assert.Throws<InstanceConflictException>(() => registry.Claim("w1", emx2, old));
        return Verdict.Contained;
    });

    [Fact]
    public Task Instance_on_another_host_is_detected_from_EMX2_before_adopting() => HostileLedger.RunAsync(Area, "second state database, other host", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        var hostA = Instance(h, "host-a", registry: false);
        var hostB = Instance(h, "host-b", registry: false);
        var schedulerA = new RecordingScheduler { Outcome = "RUNNING" };
        var schedulerB = new RecordingScheduler();
        // Host B's instance has been running for an hour: its database is older than anything it sees claimed now.
        using (var store = StateStore.Open(hostB.Worker.StateDb))
            store.SetMeta("created_utc", DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        Assert.Equal(1, (await CycleAsync(h, hostA, schedulerA)).Submitted);

        var refused = await CycleAsync(h, hostB, schedulerB);

        Assert.NotNull(refused.InstanceConflict);
        Hostile.AssertNames(new InvalidOperationException(refused.InstanceConflict), jobId, "never claimed it", hostB.Worker.StateDb);
        Assert.Equal(0, TrackedIn(hostB));
        Assert.Equal(0, schedulerB.Submits);
        Assert.Contains(h.Job(jobId).Status, new[] { JobStatus.Submitted, JobStatus.Started }); // still A's, not FAILED
        Assert.Equal(1, TrackedIn(hostA));
        return Verdict.Refused;
    });

    [Fact]
    public Task Own_claim_lost_in_a_crash_is_still_adopted() => HostileLedger.RunAsync(Area, "own claim, killed before it was tracked", async () =>
    {
        await using var h = await CycleHarness.StartAsync();
        var config = Instance(h, "state", registry: true);
        var scheduler = new RecordingScheduler { Outcome = "RUNNING" };
        Assert.Null((await CycleAsync(h, config, scheduler)).InstanceConflict); // registers the worker
        using (var store = StateStore.Open(config.Worker.StateDb))
            store.SetMeta("created_utc", DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));
        var jobId = await h.CreateJobAsync(new { args = new[] { "x" } });
        // What the poller does before it is killed: the intent is written, the claim reaches EMX2, the process dies.
        using (var store = StateStore.Open(config.Worker.StateDb))
            store.SetMeta(ForeignInstanceCheck.IntentKey(jobId), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        using (var worker = new Emx2Client(Emx2ClientFactory.Options(config), HpcLog.Null))
            await worker.ClaimAsync(jobId);

        var report = await CycleAsync(h, config, scheduler);

        Assert.True(report.InstanceConflict is null, report.InstanceConflict);
        Assert.Equal(1, scheduler.Submits);
        Assert.Contains(h.Job(jobId).Status, new[] { JobStatus.Submitted, JobStatus.Started });
        return Verdict.Contained;
    });
}
