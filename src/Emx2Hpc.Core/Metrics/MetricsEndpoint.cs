using Emx2Hpc.Core.Configuration;
using Prometheus;

namespace Emx2Hpc.Core.Metrics;

/// <summary>The `run` mode HTTP endpoint (GET /metrics), served by prometheus-net's stand-alone HttpListener server
/// on the configured loopback address (the configuration refuses anything else).</summary>
public static class MetricsEndpoint
{
    public static IDisposable Start(string listen, WorkerMetrics metrics)
    {
        var (host, port) = OperationsListen.Parse(listen);
        // HttpListener wants IPv6 literals in brackets.
        var hostname = host.Contains(':') ? $"[{host}]" : host;
        var server = new MetricServer(hostname, port, "metrics/", metrics.Registry);
        server.Start();
        return server;
    }
}
