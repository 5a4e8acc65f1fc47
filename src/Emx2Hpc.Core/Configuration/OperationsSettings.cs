namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>metrics</c> section: where Prometheus metrics go. Both outputs are off unless configured.</summary>
public sealed record MetricsSettings
{
    /// <summary>"host:port" of the HTTP endpoint served by <c>run</c> (Start-HpcDaemon); loopback only, because
    /// the figures name profiles and counts an outsider has no business reading. Null: no endpoint.</summary>
    public string? Listen { get; init; }

    /// <summary>Absolute path of the node_exporter textfile written at the end of every cycle (cron mode: <c>once</c>,
    /// Invoke-HpcCycle; also written by <c>run</c>). Must end in ".prom" (node_exporter reads only those). Null: none.</summary>
    public string? Textfile { get; init; }
}

/// <summary>The <c>audit</c> section: the append-only JSON-lines record of every side effect.</summary>
public sealed record AuditSettings
{
    /// <summary>On unless the admin turns it off: "who ran what, when" must not depend on someone remembering a key.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Absolute path of the JSON-lines file; null means "audit.jsonl" beside the state database.</summary>
    public string? Path { get; init; }

    public string ResolvePath(string stateDb) =>
        Path ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(stateDb))!, "audit.jsonl");
}

/// <summary>The <c>status</c> section: thresholds of <c>emx2-hpc status</c> / Get-HpcWorkerStatus.</summary>
public sealed record StatusSettings
{
    /// <summary>An unsent report older than this makes the worker unhealthy (EMX2 has been refusing or unreachable).</summary>
    public int MaxReportAgeSeconds { get; init; } = 900;

    /// <summary>The longest a cycle may take (large uploads included); a lock held longer means a hung cycle.</summary>
    public int MaxCycleSeconds { get; init; } = 3600;
}
