using System.Text;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Builds request targets that are already percent-encoded, so the string the client signs is the
/// string that goes on the wire. The Python daemon signed unencoded paths and lost the base URL prefix:
/// any space, '#', '%' or non-ASCII character then broke the signature or the routing.</summary>
internal static class PathBuilder
{
    /// <summary>"/api/hpc/seg1/seg2" with each segment escaped on its own (a '/' inside an id becomes %2F).</summary>
    public static string Api(params string[] segments)
    {
        var sb = new StringBuilder(ProtocolConstants.BasePath);
        foreach (var segment in segments)
        {
            if (string.IsNullOrEmpty(segment)) throw new ArgumentException("path segments must not be empty", nameof(segments));
            sb.Append('/').Append(Uri.EscapeDataString(segment));
        }
        return sb.ToString();
    }

    /// <summary>An artifact-relative file path ("results/out 1.txt") escaped per segment with '/' kept between
    /// them, because the server captures the remainder of the route as the path. Empty, "." and ".." segments are
    /// refused here: URI normalisation would silently rewrite them and the server rejects "..".</summary>
    public static string FilePath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (relativePath.Contains('\0')) throw new ArgumentException("file path must not contain NUL", nameof(relativePath));
        var segments = relativePath.Split('/');
        foreach (var s in segments)
            if (s.Length == 0 || s == "." || s == "..")
                throw new ArgumentException($"file path '{relativePath}' must be relative, without empty, '.' or '..' segments", nameof(relativePath));
        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    /// <summary>Appends "?k=v&amp;…" for the non-null values, in the given order, keys and values escaped.</summary>
    public static string WithQuery(string path, params (string Key, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).ToList();
        if (present.Count == 0) return path;
        return path + "?" + string.Join('&', present.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!)));
    }

    /// <summary>Joins the base URL (with any path prefix such as /emx2) and an encoded "/api/hpc/…" target.
    /// The result's PathAndQuery is exactly what HttpClient writes on the request line.</summary>
    public static Uri Combine(Uri baseUrl, string encodedPathAndQuery)
    {
        var prefix = baseUrl.AbsolutePath.TrimEnd('/');
        return new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + prefix + encodedPathAndQuery, UriKind.Absolute);
    }
}
