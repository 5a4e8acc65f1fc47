using System.Collections.Concurrent;

namespace Emx2Hpc.Emulator;

/// <summary>How many requests reached each endpoint, keyed "METHOD /route/{pattern}" (e.g.
/// "POST /api/hpc/jobs/{id}/claim"); requests no route matched count under "METHOD (unmatched)". Requests a fault
/// rule dropped are counted too: they reached the server.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Count(string method, string routePattern) => _counts.GetValueOrDefault(Key(method, routePattern));

    public int Total => _counts.Values.Sum();

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts, StringComparer.Ordinal);

    public void Reset() => _counts.Clear();

    internal void Record(string method, string? routePattern) =>
        _counts.AddOrUpdate(Key(method, routePattern ?? "(unmatched)"), 1, (_, n) => n + 1);

    private static string Key(string method, string pattern) => $"{method.ToUpperInvariant()} {pattern}";
}
