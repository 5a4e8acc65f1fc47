namespace Emx2Hpc.Tests.Unit.Emx2;

/// <summary>Deterministic TimeProvider. Timers shorter than <see cref="FireBelow"/> (backoff delays, or a request
/// timeout a test sets short on purpose) fire at once, advance the clock and are recorded; longer timers (the
/// default hour-long test request timeouts) never fire. Retry schedules are thus asserted exactly and take no
/// wall time.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    public static readonly DateTimeOffset DefaultStart = DateTimeOffset.FromUnixTimeSeconds(1_773_225_000); // 2026-03-11 10:30:00Z
    public static readonly TimeSpan FireBelow = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly List<TimeSpan> _fired = [];
    private DateTimeOffset _now = start;

    public TestClock() : this(DefaultStart) { }

    public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;
    public override TimeZoneInfo LocalTimeZone => Zone;
    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }

    /// <summary>Due times of the timers that fired, in order.</summary>
    public IReadOnlyList<TimeSpan> Fired { get { lock (_gate) return _fired.ToList(); } }

    public void Advance(TimeSpan by) { lock (_gate) _now += by; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class FakeTimer(TestClock clock, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed || dueTime == Timeout.InfiniteTimeSpan || dueTime >= FireBelow) return !_disposed;
            lock (clock._gate)
            {
                clock._fired.Add(dueTime);
                clock._now += dueTime;
            }
            ThreadPool.QueueUserWorkItem(_ => { if (!_disposed) callback(state); });
            return true;
        }

        public void Dispose() => _disposed = true;
        public ValueTask DisposeAsync() { _disposed = true; return ValueTask.CompletedTask; }
    }
}
