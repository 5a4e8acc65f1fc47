using Emx2Hpc.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Routes on the path as the client sent it. Kestrel removes "." and ".." segments from Request.Path
/// before routing, so "files/a/../../b" would silently land on another route; the server's path validator must
/// see such paths and reject them with 400, so the un-normalised (but percent-decoded) path is restored.</summary>
internal static class RawPathMiddleware
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var raw = HpcCall.RawPath(context);
        if (GateMiddleware.IsHpcPath(raw))
        {
            var asSent = PathString.FromUriComponent(raw);
            if (asSent != context.Request.Path) context.Request.Path = asSent;
        }
        return next(context);
    }
}
