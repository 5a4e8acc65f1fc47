using System.Globalization;

namespace Emx2Hpc.Core.Emx2;

/// <summary>401: the signature, token or credential was refused. HMAC signatures are only valid within ±300 s
/// of the server clock, and a drifting head-node clock is the most common cause, so for signed requests the
/// message says how far off the local clock is when the response carried a Date header.</summary>
public sealed class Emx2AuthenticationException(Emx2ErrorInfo info, TimeSpan? clockSkew, bool hmacSigned = true)
    : Emx2ApiException(info, hmacSigned ? SkewHint(clockSkew) : null)
{
    /// <summary>Beyond this the skew is worth mentioning; Date has one-second resolution.</summary>
    public static readonly TimeSpan SkewWorthMentioning = TimeSpan.FromSeconds(60);

    /// <summary>Server Date minus local clock when the 401 arrived; positive means the local clock is behind.</summary>
    public TimeSpan? ClockSkew { get; } = clockSkew;

    internal static string? SkewHint(TimeSpan? skew)
    {
        if (skew is not { } s || s.Duration() <= SkewWorthMentioning) return null;
        var seconds = ((long)Math.Round(s.Duration().TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var direction = s < TimeSpan.Zero ? "ahead of" : "behind";
        return $"local clock is {seconds} s {direction} the server; HMAC allows ±{Protocol.ProtocolConstants.HmacClockWindowSeconds} s — fix NTP/chrony";
    }
}
