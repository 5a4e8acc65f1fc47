using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class CycleLockTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_cycle_started_while_another_holds_the_lock_is_skipped_and_names_the_holder()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var holding = h.Runner.WithLockAsync(async _ => { entered.SetResult(); await release.Task; return 0; });
        await entered.Task;
        h.ClearSent();

        using var second = h.CreateRunner(); // e.g. cron fires while a manual `once` is still running
        var report = await second.RunOnceAsync();

        Assert.True(report.Skipped);
        Assert.Equal($"another cycle is running on {h.Store.Path} (pid={Environment.ProcessId} host={Environment.MachineName} since=",
            report.SkipReason![..report.SkipReason!.IndexOf("since=", StringComparison.Ordinal)] + "since=");
        Assert.Empty(h.Sent);
        Assert.Equal(0, report.Claimed);
        Assert.Equal(Core.Protocol.JobStatus.Pending, h.Job(id).Status);

        release.SetResult();
        await holding;
        var after = await second.RunOnceAsync();
        Assert.False(after.Skipped);
        Assert.Equal(1, after.Claimed);
    }

    [Fact]
    public async Task WithLockAsync_and_a_lock_wait_queue_behind_a_running_cycle_instead_of_failing()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var order = new List<string>();
        var holding = h.Runner.WithLockAsync(async _ =>
        {
            entered.SetResult();
            await release.Task;
            lock (order) order.Add("first released");
            return 0;
        });
        await entered.Task;

        using var second = h.CreateRunner(lockWait: TimeSpan.FromSeconds(20));
        // The lock wait is a synchronous poll (CycleLock.TryAcquire), so each waiter gets its own thread here.
        var waitingOperation = Task.Run(() => second.WithLockAsync(_ => { lock (order) order.Add("operation ran"); return Task.FromResult(1); }));
        await Task.Delay(100);
        var waitingCycle = Task.Run(() => second.RunOnceAsync());
        await Task.Delay(300);
        Assert.False(waitingOperation.IsCompleted);
        Assert.False(waitingCycle.IsCompleted);

        release.SetResult();
        await holding;
        Assert.Equal(1, await waitingOperation);
        var report = await waitingCycle;

        Assert.False(report.Skipped);
        Assert.Equal(["first released", "operation ran"], order);
        Assert.False(File.Exists(CycleLock.PathFor(h.Store.Path) + ".owner")); // released cleanly
    }
}
