namespace Emx2Hpc.PowerShell.Output.Mapping;

/// <summary>The protocol's upper-case status words and lower-case residences, as the module's enums. A value this
/// version does not know becomes Unknown rather than failing the whole output: a newer EMX2 may add one.</summary>
internal static class ProtocolValues
{
    public static TEnum Parse<TEnum>(string? text) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !IsNumber(text) ? value : default;

    public static TEnum? ParseOptional<TEnum>(string? text) where TEnum : struct, Enum =>
        string.IsNullOrWhiteSpace(text) ? null : Parse<TEnum>(text);

    public static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    public static DateTimeOffset Utc(DateTimeOffset time) => time.ToUniversalTime();

    public static DateTimeOffset? Utc(DateTimeOffset? time) => time?.ToUniversalTime();

    // Enum.TryParse also accepts "3"; the protocol never sends numbers for these.
    private static bool IsNumber(string? text) => text is { Length: > 0 } && (char.IsDigit(text[0]) || text[0] == '-');
}
