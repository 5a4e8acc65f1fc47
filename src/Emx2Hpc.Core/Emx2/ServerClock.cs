using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Emx2;

/// <summary>What the client knows about the server's clock. EMX2 writes naive server-local timestamps
/// (created_at, claimed_at …) without a zone; the Python daemon read them as local time and mis-measured job ages
/// when the head node and the server ran in different zones. Two facts are learned from responses:
/// <list type="bullet">
/// <item>the server's UTC offset, from a response that carries the server's "now" as a naive timestamp together
/// with the HTTP Date header (offset = naive − Date, rounded to 15 minutes, the granularity of real zones);</item>
/// <item>the skew between the server's Date and the local clock (for HMAC's ±300 s window and diagnostics).</item>
/// </list></summary>
public sealed class ServerClock(TimeProvider clock)
{
    private static readonly TimeSpan Granularity = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxZoneOffset = TimeSpan.FromHours(14);

    private readonly object _gate = new();
    private TimeSpan? _utcOffset;
    private TimeSpan? _skew;

    /// <summary>The learned server UTC offset, or null before any learning.</summary>
    public TimeSpan? UtcOffset { get { lock (_gate) return _utcOffset; } }

    /// <summary>Last observed server Date minus local clock (positive: the local clock is behind), or null.</summary>
    public TimeSpan? Skew { get { lock (_gate) return _skew; } }

    /// <summary>Records the Date header of any response.</summary>
    public void ObserveDate(DateTimeOffset serverDate)
    {
        var skew = serverDate - clock.GetUtcNow();
        lock (_gate) _skew = skew;
    }

    /// <summary>Learns the server zone from a naive "now" the server put in a response and that response's Date.
    /// Returns false (and keeps what it knew) when either is missing or the result is not a plausible zone.</summary>
    public bool LearnOffset(string? naiveServerNow, DateTimeOffset? serverDate)
    {
        if (serverDate is not { } date || !ServerTimestamp.TryParse(naiveServerNow, out var naive)) return false;
        var raw = naive - date.UtcDateTime;
        var rounded = TimeSpan.FromTicks((long)Math.Round(raw.Ticks / (double)Granularity.Ticks) * Granularity.Ticks);
        if (rounded.Duration() > MaxZoneOffset) return false;
        lock (_gate) _utcOffset = rounded;
        return true;
    }

    /// <summary>Converts a naive server timestamp to UTC; null when absent or unparseable.</summary>
    public DateTimeOffset? ToUtc(string? naiveServerTime)
    {
        if (!ServerTimestamp.TryParse(naiveServerTime, out var naive)) return null;
        var offset = UtcOffset
            // Nothing learned yet: assume the server runs in this host's zone (what the reference daemon always
            // assumed). GetUtcOffset rather than ConvertTimeToUtc, which throws for times inside a DST gap.
            ?? clock.LocalTimeZone.GetUtcOffset(naive);
        return new DateTimeOffset(DateTime.SpecifyKind(naive, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }
}
