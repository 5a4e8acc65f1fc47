using Emx2Hpc.Core.State;
using Xunit;

namespace Emx2Hpc.Tests.Unit.State;

public sealed class CycleLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2hpc-lock-").FullName;
    private string LockPath => Path.Combine(_dir, "state.db.lock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Second_holder_is_refused_and_told_who_holds_it()
    {
        using var first = CycleLock.TryAcquire(LockPath, TimeSpan.Zero, out _);
        Assert.NotNull(first);
        var second = CycleLock.TryAcquire(LockPath, TimeSpan.FromMilliseconds(300), out var holder);
        Assert.Null(second);
        Assert.Contains($"pid={Environment.ProcessId}", holder);
    }

    [Fact]
    public void Released_lock_can_be_taken_again_without_a_stale_report()
    {
        CycleLock.TryAcquire(LockPath, TimeSpan.Zero, out _)!.Dispose();
        using var again = CycleLock.TryAcquire(LockPath, TimeSpan.Zero, out _);
        Assert.NotNull(again);
        Assert.Null(again.StaleHolder);
    }

    [Fact]
    public void Record_left_by_a_dead_process_is_reported_as_stale()
    {
        // pid 2^22+1 is above Linux's default pid_max, so it cannot be a live process.
        File.WriteAllText(LockPath + ".owner", "pid=4194305 host=x since=2026-01-01T00:00:00Z");
        using var lk = CycleLock.TryAcquire(LockPath, TimeSpan.Zero, out _);
        Assert.NotNull(lk);
        Assert.Contains("pid=4194305", lk.StaleHolder);
    }

    [Fact]
    public async Task Waiting_acquirer_gets_the_lock_once_it_is_released()
    {
        var first = CycleLock.TryAcquire(LockPath, TimeSpan.Zero, out _)!;
        var waiter = Task.Run(() => CycleLock.TryAcquire(LockPath, TimeSpan.FromSeconds(10), out _));
        await Task.Delay(400);
        first.Dispose();
        using var second = await waiter;
        Assert.NotNull(second);
    }
}
