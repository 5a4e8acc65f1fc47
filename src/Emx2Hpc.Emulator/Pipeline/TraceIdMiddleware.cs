using Emx2Hpc.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Every /api/hpc response carries X-Trace-Id: the caller's if non-blank, else a fresh UUID. Set before
/// the handler runs so error responses carry it too.</summary>
internal static class TraceIdMiddleware
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (GateMiddleware.IsHpcPath(context.Request.Path.Value ?? ""))
        {
            var trace = context.Request.Headers[ProtocolHeaders.TraceId].ToString();
            context.Response.Headers[ProtocolHeaders.TraceId] = string.IsNullOrWhiteSpace(trace) ? Guid.NewGuid().ToString() : trace;
        }
        return next(context);
    }
}
