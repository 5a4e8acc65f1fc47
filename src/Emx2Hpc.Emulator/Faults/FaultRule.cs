using System.Text.RegularExpressions;

namespace Emx2Hpc.Emulator.Faults;

/// <summary>One rule of a fault plan. A request matches when its method equals <see cref="Method"/> (any method
/// when null) and <see cref="PathPattern"/> finds a match in its path (unanchored: add ^…$ for whole paths).
/// The first <see cref="Skip"/> matching requests pass untouched; the next <see cref="Times"/> get the fault
/// (0 = every one after the skipped ones).</summary>
public sealed record FaultRule
{
    public string? Method { get; init; }
    public required string PathPattern { get; init; }
    public required FaultAction Action { get; init; }
    public int Skip { get; init; }
    public int Times { get; init; }

    /// <summary>Delay of <see cref="FaultAction.Timeout"/>; ignored by the other actions.</summary>
    public int DelayMs { get; init; } = DefaultTimeoutDelayMs;

    public const int DefaultTimeoutDelayMs = 30_000;

    private Regex? _regex;

    internal Regex Regex => _regex ??= new Regex(PathPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) && Regex.IsMatch(path);
}
