using System.Net.Http.Headers;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Which calls may be repeated after a failure that might have reached the server.</summary>
internal enum RetryMode
{
    /// <summary>Safe to repeat: GET/HEAD/PUT/DELETE, register (upsert), heartbeat, transition/complete (the server
    /// absorbs identical repeats, SERVER-SPEC §7.3), commit (409 reconciled by the caller).</summary>
    Idempotent,
    /// <summary>Repeat only when the request provably never left this host (claim, create job/artifact,
    /// credential issue/rotate): a second POST would create a second row or hit a confusing 409.</summary>
    UnsentOnly,
}

/// <summary>Retry decisions and the backoff schedule: exponential, capped, with full jitter so a fleet of
/// workers does not hammer a recovering server in lock-step; a server Retry-After wins.</summary>
internal sealed class RetryPolicy(Emx2ClientOptions options)
{
    /// <summary>A Retry-After is honoured up to this, so one header cannot stall a cycle past its heartbeat.</summary>
    public static readonly TimeSpan RetryAfterCeiling = TimeSpan.FromSeconds(60);

    /// <summary>Transient statuses. 400/401/403/404/409/413 are answers, not accidents, and are never retried.</summary>
    public static bool IsTransientStatus(int status) => status is 408 or 429 or >= 500;

    public TimeSpan Backoff(int failedAttempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } hint) return hint < TimeSpan.Zero ? TimeSpan.Zero : hint > RetryAfterCeiling ? RetryAfterCeiling : hint;
        var exponent = Math.Min(failedAttempt - 1, 30);
        var cap = Math.Min(options.BackoffMax.Ticks, options.BackoffBase.Ticks * (double)(1L << exponent));
        var jitter = Math.Clamp(options.Jitter(), 0.0, 1.0);
        return TimeSpan.FromTicks((long)(cap * jitter));
    }

    /// <summary>Retry-After as a delay: either delta-seconds or an HTTP date relative to the local clock.</summary>
    public TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        var value = headers.RetryAfter;
        if (value?.Delta is { } delta) return delta;
        if (value?.Date is { } date) return date - options.Clock.GetUtcNow();
        return null;
    }
}
