namespace Emx2Hpc.Emulator.Domain;

/// <summary>The server stores a binary upload's content type from the file name first (the JDK's
/// URLConnection.guessContentTypeFromName table), then the declared type. This is the part of that table
/// that research outputs actually use.</summary>
internal static class ContentTypeGuesser
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain",
        [".text"] = "text/plain",
        [".java"] = "text/plain",
        [".c"] = "text/plain",
        [".h"] = "text/plain",
        [".html"] = "text/html",
        [".htm"] = "text/html",
        [".xml"] = "application/xml",
        [".json"] = "application/json",
        [".css"] = "text/css",
        [".csv"] = "text/csv",
        [".md"] = "text/markdown",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/octet-stream",
        [".tar"] = "application/x-tar",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".svg"] = "image/svg+xml",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
    };

    public static string? FromPath(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        var name = path[(slash + 1)..];
        var dot = name.LastIndexOf('.');
        return dot < 0 ? null : ByExtension.GetValueOrDefault(name[dot..]);
    }
}
