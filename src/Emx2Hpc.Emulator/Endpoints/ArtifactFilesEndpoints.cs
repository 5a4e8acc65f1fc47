using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Files of an artifact: list, upload, download, HEAD, delete (SERVER-SPEC §6.5).</summary>
internal static class ArtifactFilesEndpoints
{
    private const string FilePattern = "/api/hpc/artifacts/{id}/files/{**path}";

    public static void Map(IEndpointRouteBuilder app, FileService files, EmulatorSettings settings)
    {
        app.Route("GET", "/api/hpc/artifacts/{id}/files", RouteAccess.Viewer, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var paging = Paging.From(context.Request.Query);
            var (items, total) = await files.ListAsync(id, context.Request.Query["prefix"].ToString(), paging);
            context.Response.Headers[ProtocolHeaders.TotalCount] = total.ToString(CultureInfo.InvariantCulture);
            await JsonResponses.OkAsync(context, PagedJson.Build(items.Select(ArtifactJson.FileItem), total, paging));
        });

        app.Route("PUT", FilePattern, RouteAccess.Editor, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var path = FileRoute.PathOf(context);
            FilePathRules.Validate(path);
            var stored = await StoreAsync(context, files, id, path, settings.MaxUploadBytes);
            await JsonResponses.CreatedAsync(context, ArtifactJson.Uploaded(stored));
        });

        app.Route("GET", FilePattern, RouteAccess.Viewer, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var path = FileRoute.PathOf(context);
            var download = await files.DownloadAsync(id, path);
            if (download.ContentUrl is { } url)
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = FileRoute.ExternalLocation(url, path);
                return;
            }
            if (download.File is not { } file || download.Content is not { } content)
                throw HpcProblemException.NotFound(download.MissingDetail!);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = file.ContentType ?? "application/octet-stream";
            context.Response.Headers.ContentDisposition = ContentDisposition.For(path);
            if (file.Sha256 is not null) context.Response.Headers[ProtocolHeaders.DownloadContentSha256] = file.Sha256;
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
        });

        // HEAD answers from the file row alone; 404 has no body.
        app.Route("HEAD", FilePattern, RouteAccess.Viewer, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var file = await files.FindAsync(id, FileRoute.PathOf(context));
            if (file is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (file.Sha256 is not null) context.Response.Headers[ProtocolHeaders.DownloadContentSha256] = file.Sha256;
            if (file.SizeBytes is { } size) context.Response.ContentLength = size;
            if (file.ContentType is not null) context.Response.ContentType = file.ContentType;
        });

        app.Route("DELETE", FilePattern, RouteAccess.Manager, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            await files.DeleteAsync(id, FileRoute.PathOf(context));
            JsonResponses.NoContent(context);
        });
    }

    /// <summary>The upload mode follows Content-Type: JSON = metadata only (no bytes; posix files stay on the
    /// cluster), multipart = the "file" part, anything else = the raw body.</summary>
    private static async Task<Storage.Records.FileRecord> StoreAsync(HttpContext context, FileService files, string id, string path, long limit)
    {
        var contentType = context.Request.ContentType;
        if (contentType?.StartsWith(ProtocolConstants.JsonContentType, StringComparison.Ordinal) == true)
        {
            // The server turns malformed JSON here into a 500; RequestBody answers the clean 400.
            var body = await RequestBody.ReadObjectAsync(context);
            var declared = JsonFields.String(body, "content_type");
            return await files.StoreAsync(id, path, JsonFields.Scalar(body, "sha256"), JsonFields.Long(body, "size_bytes") ?? 0,
                string.IsNullOrWhiteSpace(declared) ? "application/octet-stream" : declared, content: null);
        }
        var upload = contentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true
            ? await UploadReader.ReadMultipartAsync(context, limit)
            : await UploadReader.ReadRawAsync(context, limit);
        var storedType = ContentTypeGuesser.FromPath(path)
            ?? (string.IsNullOrWhiteSpace(upload.DeclaredContentType) ? null : upload.DeclaredContentType)
            ?? "application/octet-stream";
        return await files.StoreAsync(id, path, upload.Sha256, upload.Bytes.LongLength, storedType, upload.Bytes);
    }
}
