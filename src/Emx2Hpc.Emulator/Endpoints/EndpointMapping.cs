using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

internal static class EndpointMapping
{
    /// <summary>Maps a raw RequestDelegate (full control over status, headers and body) with its access rule.</summary>
    public static void Route(this IEndpointRouteBuilder app, string method, string pattern, RouteAccess access, RequestDelegate handler) =>
        app.MapMethods(pattern, [method], handler).WithMetadata(access);

    public static string RouteValue(this HttpContext context, string name) => context.Request.RouteValues[name] as string ?? "";
}
