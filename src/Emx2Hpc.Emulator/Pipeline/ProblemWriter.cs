using System.Text.Json.Nodes;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator.Json;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Writes RFC 9457 problem bodies the way EMX2 does (SERVER-SPEC §1.1): type about:blank, a fixed title
/// per status, and instance "urn:request:&lt;X-Request-Id&gt;" only for errors raised after header validation.</summary>
internal static class ProblemWriter
{
    public static Task WriteAsync(HttpContext context, int status, string detail, string? title = null, bool withInstance = true)
    {
        var body = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = title ?? ProblemDetail.TitleFor(status),
            ["status"] = status,
            ["detail"] = detail,
        };
        var requestId = context.Request.Headers[ProtocolHeaders.RequestId].ToString();
        if (withInstance && !string.IsNullOrEmpty(requestId)) body["instance"] = $"urn:request:{requestId}";
        return JsonResponses.WriteAsync(context, status, body, ProtocolConstants.ProblemJsonContentType);
    }
}
