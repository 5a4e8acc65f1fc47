namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>emx2</c> section.</summary>
internal static class Emx2SectionReader
{
    public static Emx2Settings Read(LoadContext ctx, MappingReader section)
    {
        var defaults = new Emx2Settings();
        var (secret, secretFile) = SecretReader.Read(ctx, section);
        return new Emx2Settings
        {
            BaseUrl = ReadBaseUrl(ctx, section) ?? defaults.BaseUrl,
            WorkerId = section.String("worker_id") ?? defaults.WorkerId,
            AuthMode = section.Choice("auth_mode", defaults.AuthMode),
            Secret = secret,
            SecretFile = secretFile,
            AllowInsecureHttp = section.Bool("allow_insecure_http", defaults.AllowInsecureHttp),
        };
    }

    private static Uri? ReadBaseUrl(LoadContext ctx, MappingReader section)
    {
        if (section.Find("base_url") is not { } entry || section.String("base_url") is not { } text) return null;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url))
        {
            ctx.Error(entry.Value.Start, entry.Path, $"invalid URL '{text}' (expected e.g. https://emx2.example.org)");
            return null;
        }
        // A trailing slash makes relative API paths resolve under a path prefix (https://host/emx2/api/...).
        return url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;
    }
}
