using Emx2Hpc.Emulator.Model;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>content_url checks the server applies to posix artifacts only (other residences are stored unchecked).</summary>
internal static class ContentUrlRules
{
    public const int MaxLength = 1024;
    private const string Scheme = "file://";

    public static void ValidatePosix(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) throw HpcProblemException.BadRequest("content_url is required for posix artifacts");
        if (url.Length > MaxLength) throw HpcProblemException.BadRequest($"content_url must be at most {MaxLength} characters");
        if (url.Contains('\0')) throw HpcProblemException.BadRequest("content_url must not contain NUL characters");
        if (!url.StartsWith(Scheme, StringComparison.Ordinal))
            throw HpcProblemException.BadRequest("content_url must start with file:// for posix artifacts");
        var path = url[Scheme.Length..];
        if (!path.StartsWith('/')) throw HpcProblemException.BadRequest("content_url must be an absolute file:// path");
        if (path.Split('/').Contains("..")) throw HpcProblemException.BadRequest("content_url must not contain '..' path segments");
    }
}
