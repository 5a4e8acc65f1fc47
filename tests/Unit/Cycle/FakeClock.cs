namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>A TimeProvider whose "now" moves only when a test says so (timeouts, grace periods, settle times).
/// Timers shorter than <see cref="InstantBelow"/> — the client's retry backoffs — fire at once on the thread pool
/// without moving the clock, so a test of "EMX2 is down" costs no wall time; longer timers (per-request
/// timeouts, poll intervals) are real timers, so a request can never be cut short by the fake clock.</summary>
public sealed class FakeClock : TimeProvider
{
    public static readonly TimeSpan InstantBelow = TimeSpan.FromSeconds(15);

    private readonly object _gate = new();
    private DateTimeOffset _now;
    private int _instantTimers;

    /// <summary>Starts at the real current time (whole seconds), so the emulator's Date header and the fake
    /// "now" agree closely enough for the client's server-zone estimate (15-minute granularity).</summary>
    public FakeClock() : this(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())) { }

    public FakeClock(DateTimeOffset start) => _now = start.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "time does not go backwards");
        lock (_gate) _now += by;
    }

    /// <summary>How many short timers (retry backoffs) fired instantly.</summary>
    public int InstantTimersFired => Volatile.Read(ref _instantTimers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period == Timeout.InfiniteTimeSpan && dueTime >= TimeSpan.Zero && dueTime < InstantBelow)
        {
            Interlocked.Increment(ref _instantTimers);
            return new InstantTimer(callback, state);
        }
        return TimeProvider.System.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Fires once, asynchronously, unless disposed or changed first.</summary>
    private sealed class InstantTimer : ITimer
    {
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private ITimer? _replacement;
        private int _cancelled;

        public InstantTimer(TimerCallback callback, object? state)
        {
            _callback = callback;
            _state = state;
            ThreadPool.UnsafeQueueUserWorkItem(_ => { if (Volatile.Read(ref _cancelled) == 0) _callback(_state); }, null);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Exchange(ref _cancelled, 1);
            _replacement?.Dispose();
            _replacement = dueTime == Timeout.InfiniteTimeSpan ? null : TimeProvider.System.CreateTimer(_callback, _state, dueTime, period);
            return true;
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _cancelled, 1);
            _replacement?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
