using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Reads the bytes of a binary upload (raw body or the multipart "file" part) under the upload limit,
/// then applies the Content-SHA256 checks in the server's order (SERVER-SPEC §6.5).</summary>
internal static class UploadReader
{
    public sealed record Upload(byte[] Bytes, string Sha256, string? DeclaredContentType);

    public static async Task<Upload> ReadRawAsync(HttpContext context, long limit)
    {
        RejectDeclaredOversize(context, limit);
        var bytes = await RequestBody.ReadLimitedAsync(context.Request.Body, limit, context.RequestAborted) ?? throw TooLarge(limit);
        return Verified(context, bytes, context.Request.ContentType);
    }

    public static async Task<Upload> ReadMultipartAsync(HttpContext context, long limit)
    {
        RejectDeclaredOversize(context, limit);
        var boundary = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            ? HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary)) throw HpcProblemException.BadRequest("Multipart request has no boundary");
        // The reader's own 128 MB section cap would pre-empt MOLGENIS_HPC_MAX_UPLOAD_BYTES; the file part is
        // counted against that limit below instead.
        var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = null };
        byte[]? file = null;
        string? partType = null;
        string? formType = null;
        try
        {
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "file")
                {
                    file = await RequestBody.ReadLimitedAsync(section.Body, limit, context.RequestAborted) ?? throw TooLarge(limit);
                    partType = section.ContentType;
                }
                else if (name == "content_type")
                {
                    using var text = new StreamReader(section.Body);
                    formType = await text.ReadToEndAsync(context.RequestAborted);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw HpcProblemException.BadRequest($"Invalid multipart body: {ex.Message}");
        }
        if (file is null) throw HpcProblemException.BadRequest("Multipart 'file' part is required");
        // The form field content_type overrides the part's own type.
        return Verified(context, file, string.IsNullOrWhiteSpace(formType) ? partType : formType.Trim());
    }

    private static void RejectDeclaredOversize(HttpContext context, long limit)
    {
        if (context.Request.ContentLength is { } declared && declared > limit)
            throw new HpcProblemException(413, $"Content-Length {declared} exceeds maximum upload size of {limit} bytes");
    }

    private static HpcProblemException TooLarge(long limit) => new(413, $"Upload exceeds maximum size of {limit} bytes");

    private static Upload Verified(HttpContext context, byte[] bytes, string? declaredType)
    {
        var claimed = context.Request.Headers[ProtocolHeaders.ContentSha256].ToString();
        if (string.IsNullOrWhiteSpace(claimed)) throw HpcProblemException.BadRequest("Content-SHA256 header is required for binary uploads");
        claimed = claimed.Trim().ToLower(CultureInfo.InvariantCulture);
        if (!BodyHash.IsLowerHex64(claimed)) throw HpcProblemException.BadRequest("Content-SHA256 must be a 64-character hex string");
        var actual = BodyHash.Of(bytes);
        if (claimed != actual)
            throw HpcProblemException.BadRequest($"Content-SHA256 header does not match actual content hash (claimed={claimed}, actual={actual})");
        return new Upload(bytes, actual, declaredType);
    }
}
