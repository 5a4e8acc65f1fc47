using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Turns a non-success response into the matching typed exception. Bodies are parsed leniently: EMX2
/// sends application/problem+json, but proxies send HTML, Javalin's own 413 is plain, and the Python client
/// crashed on non-JSON 409s. Whatever arrives, the caller gets an exception typed by status.</summary>
internal sealed class ProblemReader(Redactor redactor)
{
    /// <summary>Enough for any problem body; stops a misbehaving proxy from making us buffer megabytes.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;
    public const int MaxSnippetChars = 200;

    public sealed record Problem(string? Title, string? Detail, bool WasJson);

    public async Task<Problem> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await ReadBoundedAsync(response.Content, ct).ConfigureAwait(false);
        return Parse(bytes, response.ReasonPhrase);
    }

    internal Problem Parse(byte[] bytes, string? reasonPhrase)
    {
        if (bytes.Length == 0) return new Problem(reasonPhrase, null, false);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var title = StringProperty(doc.RootElement, "title") ?? reasonPhrase;
                var detail = StringProperty(doc.RootElement, "detail") ?? StringProperty(doc.RootElement, "message")
                             ?? StringProperty(doc.RootElement, "error");
                return new Problem(title, detail is null ? null : redactor.Apply(detail), true);
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the text snippet.
        }
        return new Problem(reasonPhrase, Snippet(bytes), false);
    }

    /// <summary>At most 200 printable characters of a body: tags stripped, whitespace collapsed, secrets redacted.</summary>
    public string Snippet(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length > 4096 ? bytes[..4096] : bytes);
        var sb = new StringBuilder(Math.Min(text.Length, MaxSnippetChars + 1));
        var inTag = false;
        var lastWasSpace = true;
        foreach (var c in text)
        {
            if (c == '<') { inTag = true; continue; }
            if (inTag) { if (c == '>') { inTag = false; AppendSpace(); } continue; }
            if (char.IsWhiteSpace(c) || char.IsControl(c)) { AppendSpace(); continue; }
            sb.Append(c);
            lastWasSpace = false;
            if (sb.Length > MaxSnippetChars) break;
        }
        var result = redactor.Apply(sb.ToString().Trim());
        return result.Length > MaxSnippetChars ? result[..MaxSnippetChars] + "…" : result;

        void AppendSpace()
        {
            if (!lastWasSpace) sb.Append(' ');
            lastWasSpace = true;
        }
    }

    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0)
            total += read;
        return buffer[..total];
    }

    private static string? StringProperty(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
