using System.Globalization;
using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Staging;

/// <summary>Turns one JSON object from the progress file into a <see cref="ProgressUpdate"/> the server accepts:
/// known keys only, wrong types dropped per field, strings without control characters and within the limits,
/// progress finite and clamped to [0, 1]. The workload is untrusted; whatever it writes must not break a post.</summary>
internal static class ProgressSanitizer
{
    public static ProgressUpdate? FromJson(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object) return null;
        var phase = Text(line, "phase", ProgressLimits.PhaseMaxLength);
        var message = Text(line, "message", ProgressLimits.MessageMaxLength);
        var progress = Fraction(line);
        return phase is null && message is null && progress is null ? null : new ProgressUpdate(phase, message, progress);
    }

    private static string? Text(JsonElement line, string key, int maxLength)
    {
        if (!line.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String) return null;
        var raw = value.GetString()!;
        var builder = new StringBuilder(Math.Min(raw.Length, maxLength));
        foreach (var c in raw)
            if (!char.IsControl(c)) builder.Append(c);
        var text = builder.ToString().Trim();
        if (text.Length > maxLength)
        {
            // Never cut a surrogate pair in half: a lone high surrogate is not valid UTF-8 on the wire.
            var cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
            text = text[..cut].TrimEnd();
        }
        return text.Length == 0 ? null : text;
    }

    private static double? Fraction(JsonElement line)
    {
        if (!line.TryGetProperty("progress", out var value)) return null;
        double number;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out number):
                break;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number):
                break;
            default:
                return null;
        }
        if (!double.IsFinite(number)) return null;
        if (number <= ProgressLimits.ProgressMin) return ProgressLimits.ProgressMin; // also turns -0 into 0
        return Math.Min(number, ProgressLimits.ProgressMax);
    }
}
