using System.Globalization;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>expires_at as Java's LocalDateTime.parse accepts it (after the server swaps a space for 'T'): a naive
/// local datetime; a zone, an offset or anything else is rejected.</summary>
internal static class LocalDateTimeParser
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    public static bool TryParse(string? text, out DateTime value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var candidate = text.Trim().Replace(' ', 'T');
        return DateTime.TryParseExact(candidate, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
