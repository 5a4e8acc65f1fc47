using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Json;

/// <summary>Serializes response bodies. Bodies are built as JsonObjects so key order and explicit nulls match the
/// server (the contract tests check that null keys are present).</summary>
internal static class JsonResponses
{
    // Jackson does not escape '<', '+' or non-ASCII; the default System.Text.Json encoder would.
    private static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, int status, JsonNode body, string contentType = ProtocolConstants.JsonContentType)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Writing)) body.WriteTo(writer);
        var bytes = buffer.WrittenMemory;
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    public static Task OkAsync(HttpContext context, JsonNode body) => WriteAsync(context, StatusCodes.Status200OK, body);

    public static Task CreatedAsync(HttpContext context, JsonNode body) => WriteAsync(context, StatusCodes.Status201Created, body);

    public static void NoContent(HttpContext context) => context.Response.StatusCode = StatusCodes.Status204NoContent;

    /// <summary>Deserializes a response node into one of Core's DTOs (inspection back door).</summary>
    public static T ToDto<T>(JsonNode node) =>
        node.Deserialize(Core.Protocol.Dtos.JsonDefaults.Info<T>()) ?? throw new InvalidOperationException($"cannot map to {typeof(T).Name}");
}
