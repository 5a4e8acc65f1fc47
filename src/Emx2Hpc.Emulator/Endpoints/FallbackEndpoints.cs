using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Anything else under /api/hpc: the gate still runs (headers, auth), then a problem 404.</summary>
internal static class FallbackEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapFallback("/api/hpc/{**rest}", context =>
                throw HpcProblemException.NotFound($"No endpoint {context.Request.Method} {context.Request.Path}"))
            .WithMetadata(RouteAccess.Viewer, new FallbackMarker());
}
