using System.Net;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>metrics</c>, <c>audit</c> and <c>status</c> sections (the admin-facing operations keys).</summary>
internal static class OperationsSectionReader
{
    public static MetricsSettings ReadMetrics(LoadContext ctx, MappingReader section) => new()
    {
        Listen = section.OptionalString("listen")?.Trim(),
        Textfile = Path(ctx, section, "textfile"),
    };

    public static AuditSettings ReadAudit(LoadContext ctx, MappingReader section) => new()
    {
        Enabled = Boolean(ctx, section, "enabled", true),
        Path = Path(ctx, section, "path"),
    };

    public static StatusSettings ReadStatus(MappingReader section)
    {
        var defaults = new StatusSettings();
        return new StatusSettings
        {
            MaxReportAgeSeconds = section.Int("max_report_age_seconds", defaults.MaxReportAgeSeconds),
            MaxCycleSeconds = section.Int("max_cycle_seconds", defaults.MaxCycleSeconds),
        };
    }

    private static string? Path(LoadContext ctx, MappingReader section, string key) =>
        section.Find(key) is { } entry && section.OptionalString(key) is { } text ? ConfigPaths.Resolve(ctx, entry, text) : null;

    private static bool Boolean(LoadContext ctx, MappingReader section, string key, bool fallback)
    {
        if (section.Find(key) is not { } entry || section.String(key) is not { } text) return fallback;
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            default:
                ctx.Error(entry.Value.Start, entry.Path, $"expected true or false, got '{text}'");
                return fallback;
        }
    }

    /// <summary>Parses "host:port" (IPv6 as "[::1]:port"); null when malformed.</summary>
    internal static (string Host, int Port)? ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out var port) || port is < 1 or > 65535) return null;
        var host = listen[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        return host.Length == 0 ? null : (host, port);
    }

    internal static IEnumerable<ConfigIssue> Issues(HpcConfig config)
    {
        if (config.Metrics.Listen is { } listen)
        {
            if (ParseListen(listen) is not { } parsed)
                yield return new("metrics.listen", $"expected host:port (e.g. 127.0.0.1:9464), got '{listen}'");
            else if (!IsLoopback(parsed.Host))
                yield return new("metrics.listen", $"'{parsed.Host}' is not a loopback address; metrics are served on 127.0.0.1, ::1 or localhost only (put a reverse proxy in front to publish them)");
        }
        if (config.Metrics.Textfile is { } textfile && !textfile.EndsWith(".prom", StringComparison.Ordinal))
            yield return new("metrics.textfile", "must end in .prom (node_exporter's textfile collector reads only those files)");
        if (config.Status.MaxReportAgeSeconds < 1) yield return new("status.max_report_age_seconds", "must be at least 1");
        if (config.Status.MaxCycleSeconds < 1) yield return new("status.max_cycle_seconds", "must be at least 1");
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
