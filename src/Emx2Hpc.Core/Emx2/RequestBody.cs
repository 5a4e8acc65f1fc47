using System.Net.Http.Headers;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

/// <summary>A request body that can be produced again for every attempt, with the hash the signature covers.</summary>
internal abstract class RequestBody
{
    /// <summary>BODY_HASH of the canonical string.</summary>
    public abstract string Hash { get; }

    /// <summary>Value of the Content-SHA256 header, for non-JSON bodies only.</summary>
    public virtual string? ContentSha256 => null;

    public abstract HttpContent CreateContent(Action<long> onBytesSent);
}

/// <summary>JSON serialized once to UTF-8: the bytes hashed are the bytes sent (the server hashes the raw body
/// when Content-Type starts with application/json, so no charset parameter and no re-serialization).</summary>
internal sealed class JsonBody : RequestBody
{
    private readonly byte[] _bytes;

    private JsonBody(byte[] bytes)
    {
        _bytes = bytes;
        Hash = BodyHash.Of(bytes);
    }

    public static JsonBody From<T>(T value) => new(JsonSerializer.SerializeToUtf8Bytes(value, JsonDefaults.Info<T>()));

    public override string Hash { get; }

    public override HttpContent CreateContent(Action<long> onBytesSent)
    {
        var content = new ByteArrayContent(_bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(ProtocolConstants.JsonContentType);
        return content;
    }
}

/// <summary>A file streamed from disk. Signed with its precomputed SHA-256, which also goes in Content-SHA256
/// so the server can verify the bytes it stored.</summary>
internal sealed class FileBody(string filePath, string sha256, long size, string contentType, Microsoft.Win32.SafeHandles.SafeFileHandle? handle = null)
    : RequestBody
{
    public override string Hash => sha256;
    public override string? ContentSha256 => sha256;

    /// <summary>The server treats any Content-Type starting with application/json as a metadata-only PUT and
    /// would store no bytes. A JSON file therefore travels as multipart/form-data with its real type in the
    /// content_type form field (SERVER-SPEC §6.5), signed with the file-part hash as the server expects.</summary>
    public bool NeedsMultipart => contentType.TrimStart().StartsWith(ProtocolConstants.JsonContentType, StringComparison.OrdinalIgnoreCase);

    public override HttpContent CreateContent(Action<long> onBytesSent)
    {
        var file = new FileUploadContent(filePath, size, onBytesSent, handle);
        if (!NeedsMultipart)
        {
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            file.Headers.ContentLength = size;
            return file;
        }
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var multipart = new MultipartFormDataContent
        {
            { file, "file", Path.GetFileName(filePath) },
            { new StringContent(contentType), "content_type" },
        };
        // Every part has a known length, so the total is known and sent as Content-Length (no chunking).
        multipart.Headers.ContentLength = multipart.Headers.ContentLength;
        return multipart;
    }
}
