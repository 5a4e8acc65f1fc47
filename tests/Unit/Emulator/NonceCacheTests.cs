using Emx2Hpc.Emulator.Pipeline;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

public class NonceCacheTests
{
    [Fact]
    public void Rejects_a_replay_inside_the_window()
    {
        var cache = new NonceCache();
        Assert.True(cache.TryRecord("n1", 1000, 1000));
        Assert.False(cache.TryRecord("n1", 1000, 1100));
        Assert.True(cache.TryRecord("n2", 1000, 1100));
    }

    [Fact]
    public void Entries_older_than_the_window_are_evicted()
    {
        var cache = new NonceCache();
        Assert.True(cache.TryRecord("n1", 1000, 1000));
        // server_now - 300 = 1001 > 1000: the old entry goes (its timestamp would fail the window check anyway).
        Assert.True(cache.TryRecord("n2", 1301, 1301));
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryRecord("n1", 1301, 1301));
    }

    [Fact]
    public void Least_recently_used_entries_go_beyond_capacity()
    {
        var cache = new NonceCache(capacity: 3);
        foreach (var n in new[] { "a", "b", "c" }) Assert.True(cache.TryRecord(n, 1000, 1000));
        Assert.False(cache.TryRecord("a", 1000, 1000)); // touches "a": now "b" is the oldest
        Assert.True(cache.TryRecord("d", 1000, 1000));  // evicts "b"
        Assert.Equal(3, cache.Count);
        Assert.True(cache.TryRecord("b", 1000, 1000));  // "b" was forgotten (evicts "c")
        Assert.False(cache.TryRecord("a", 1000, 1000));
    }
}
