using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Counts requests per matched route (runs after routing, before faults and the gate).</summary>
internal sealed class RequestLogMiddleware(RequestLog log)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (pattern is not null && !pattern.StartsWith('/')) pattern = "/" + pattern;
        if (context.GetEndpoint()?.Metadata.GetMetadata<FallbackMarker>() is not null) pattern = null;
        log.Record(context.Request.Method, pattern);
        return next(context);
    }
}

/// <summary>Marks the /api/hpc catch-all so it is logged as unmatched rather than as a route.</summary>
internal sealed class FallbackMarker;
