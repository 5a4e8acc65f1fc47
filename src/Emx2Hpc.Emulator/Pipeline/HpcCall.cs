using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Per-request facts established by the gate and used by handlers: the principal and the effective worker
/// id (X-Worker-Id); plus access to the raw request target.</summary>
internal sealed class HpcCall
{
    public required HpcPrincipal Principal { get; init; }

    /// <summary>X-Worker-Id as sent, null when blank; for HMAC callers it is the authenticated worker.</summary>
    public string? WorkerIdHeader { get; init; }

    public static HpcCall Of(HttpContext context) =>
        context.Features.Get<HpcCall>() ?? throw new InvalidOperationException("HPC gate did not run for this request");

    /// <summary>Path and query exactly as received, percent-encoding preserved (Kestrel's Request.Path is decoded).</summary>
    public static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) ? context.Request.Path + context.Request.QueryString : raw;
    }

    public static string RawPath(HttpContext context)
    {
        var raw = RawTarget(context);
        var q = raw.IndexOf('?');
        return q < 0 ? raw : raw[..q];
    }
}
