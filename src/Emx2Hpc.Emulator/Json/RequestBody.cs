using System.Text.Json;
using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Json;

/// <summary>Reads JSON request bodies. Handlers parse the body whatever its Content-Type (like Javalin's
/// bodyAsClass); the gate may already have buffered it for the HMAC body hash.</summary>
internal static class RequestBody
{
    /// <summary>Javalin's global body limit for bodies read into memory.</summary>
    public const int MaxJsonBytes = 10_000_000;

    /// <summary>The whole body, read once: HMAC verification hashes it and the handler parses the same bytes.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpContext context)
    {
        if (context.Features.Get<BufferedBody>() is { } buffered) return buffered.Bytes;
        var bytes = await ReadLimitedAsync(context.Request.Body, MaxJsonBytes, context.RequestAborted)
            ?? throw new HpcProblemException(413, $"Request body exceeds maximum size of {MaxJsonBytes} bytes");
        context.Features.Set(new BufferedBody(bytes));
        return bytes;
    }

    /// <summary>Reads a stream fully; null as soon as it exceeds <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadLimitedAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private sealed record BufferedBody(byte[] Bytes);

    /// <summary>The body as a JSON object; empty or malformed bodies are 400 "Invalid request body: …" (§1.1).</summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpContext context)
    {
        var element = Parse(await ReadBytesAsync(context));
        if (element.ValueKind != JsonValueKind.Object)
            throw HpcProblemException.BadRequest("Invalid request body: expected a JSON object");
        return element;
    }

    /// <summary>Like <see cref="ReadObjectAsync"/> but a blank body counts as {} (credential issue/rotate).</summary>
    public static async Task<JsonElement> ReadObjectOrEmptyAsync(HttpContext context)
    {
        var bytes = await ReadBytesAsync(context);
        return bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            ? Parse("{}"u8.ToArray())
            : await ReadObjectAsync(context);
    }

    public static JsonElement Parse(byte[] bytes)
    {
        if (bytes.Length == 0)
            throw HpcProblemException.BadRequest("Invalid request body: No content to map due to end-of-input");
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw HpcProblemException.BadRequest($"Invalid request body: {ex.Message}");
        }
    }
}
