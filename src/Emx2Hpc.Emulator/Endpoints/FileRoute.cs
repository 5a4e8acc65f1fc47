using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>The file path of /api/hpc/artifacts/{id}/files/&lt;path&gt;: everything after "files/" in the raw
/// target, percent-decoded once (as the server's router does). Taken from the raw target rather than the route
/// value because Kestrel keeps "%2F" encoded in Request.Path while the server decodes it.</summary>
internal static class FileRoute
{
    private const string Prefix = "/api/hpc/artifacts/";
    private const string FilesSegment = "files/";

    public static string PathOf(HttpContext context)
    {
        var raw = Pipeline.HpcCall.RawPath(context);
        if (raw.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var rest = raw[Prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash > 0 && rest.AsSpan(slash + 1).StartsWith(FilesSegment, StringComparison.Ordinal))
                return Uri.UnescapeDataString(rest[(slash + 1 + FilesSegment.Length)..]);
        }
        return context.Request.RouteValues["path"] as string ?? "";
    }

    /// <summary>Location of a file that lives outside the emulator: content_url + "/" + path, the path's segments
    /// percent-encoded so the header stays valid ASCII.</summary>
    public static string ExternalLocation(string contentUrl, string path) =>
        contentUrl + "/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
