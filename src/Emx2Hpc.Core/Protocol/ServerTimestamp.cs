using System.Globalization;

namespace Emx2Hpc.Core.Protocol;

/// <summary>EMX2 sends naive server-local datetimes ("2026-03-11T10:28:37.123456" or with a space). They carry
/// no zone, so the client converts them with an offset it learns from the server (see ServerClock in Emx2);
/// the Python daemon read them as local time and mis-measured timeouts across zones.</summary>
public static class ServerTimestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    /// <summary>The format the emulator writes (microseconds, like Postgres timestamps via Java).</summary>
    public static string Format(DateTime naiveLocal) => naiveLocal.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTime naive)
    {
        naive = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        // Tolerate a zone suffix if a future server adds one; convert it to UTC-naive then.
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto) &&
            (trimmed.EndsWith('Z') || HasOffset(trimmed)))
        {
            naive = DateTime.SpecifyKind(dto.UtcDateTime, DateTimeKind.Unspecified);
            return true;
        }
        return DateTime.TryParseExact(trimmed, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out naive);
    }

    private static bool HasOffset(string s)
    {
        var t = s.LastIndexOf('T');
        var tail = t >= 0 ? s[t..] : s;
        return tail.Contains('+') || tail.LastIndexOf('-') > 0;
    }
}
