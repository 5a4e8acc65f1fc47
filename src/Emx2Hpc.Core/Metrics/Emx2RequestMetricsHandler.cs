using System.Diagnostics;

namespace Emx2Hpc.Core.Metrics;

/// <summary>Counts and times every HTTP attempt to EMX2 (retries included: each reaches the server) by endpoint
/// family and status class. It sits between the client and its transport, so the client's own logic is untouched.</summary>
public sealed class Emx2RequestMetricsHandler(WorkerMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var family = Family(request.RequestUri);
        var watch = Stopwatch.StartNew();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Observe(family, $"{(int)response.StatusCode / 100}xx", watch.Elapsed);
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            Observe(family, "error", watch.Elapsed);
            throw;
        }
    }

    private void Observe(string family, string statusClass, TimeSpan elapsed)
    {
        metrics.Emx2Requests.WithLabels(family, statusClass).Inc();
        metrics.Emx2RequestDuration.WithLabels(family).Observe(elapsed.TotalSeconds);
    }

    /// <summary>"jobs", "jobs/claim", "artifacts/files", "workers/heartbeat", …: the resource after /api/hpc and,
    /// after an id, the action. Ids and file paths never become label values (unbounded cardinality).</summary>
    internal static string Family(Uri? uri)
    {
        if (uri is null) return "other";
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var api = Array.IndexOf(segments, "hpc");
        if (api < 0 || api + 1 >= segments.Length) return "other";
        var resource = segments[api + 1];
        if (!IsWord(resource)) return "other";
        return api + 3 < segments.Length && IsWord(segments[api + 3]) ? $"{resource}/{segments[api + 3]}" : resource;
    }

    private static bool IsWord(string s) => s.Length is > 0 and <= 24 && s.All(c => c is (>= 'a' and <= 'z') or '-' or '_');
}
