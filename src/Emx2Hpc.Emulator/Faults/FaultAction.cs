namespace Emx2Hpc.Emulator.Faults;

/// <summary>What a fault rule does to a matching request.</summary>
public enum FaultAction
{
    /// <summary>Answer 503 problem+json without running the handler (state untouched).</summary>
    ServiceUnavailable,

    /// <summary>Wait delay_ms (default 30 s), then drop the connection without running the handler: the client's
    /// own timeout fires first and the server never acts on the request.</summary>
    Timeout,

    /// <summary>Run the handler (state changes are committed), then drop the connection instead of answering:
    /// the client sees a network error although the server did the work.</summary>
    DropAfterCommit,

    /// <summary>Drop the connection at once, without reading the request body: the closest an HTTP server gets to a
    /// refused connection.</summary>
    Refuse,

    /// <summary>Read the whole request, then drop the connection without running the handler.</summary>
    DropBefore,
}

internal static class FaultActions
{
    private static readonly Dictionary<string, FaultAction> ByWireName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["503"] = FaultAction.ServiceUnavailable,
        ["timeout"] = FaultAction.Timeout,
        ["drop-after-commit"] = FaultAction.DropAfterCommit,
        ["refuse"] = FaultAction.Refuse,
        ["drop-before"] = FaultAction.DropBefore,
    };

    public static string WireNames => string.Join(", ", ByWireName.Keys.Select(k => $"\"{k}\""));

    public static bool TryParse(string? text, out FaultAction action) => ByWireName.TryGetValue(text ?? "", out action);
}
