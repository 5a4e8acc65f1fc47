namespace Emx2Hpc.Core.Configuration;

/// <summary>Finds the worker secret among its four possible keys. Unlike the Python daemon, where a file
/// silently won over an inline value, giving two sources is an error: the admin must say which one is meant.
/// The secret's text never appears in a message.</summary>
internal static class SecretReader
{
    private const string InlineKey = "worker_secret";
    private const string InlineAlias = "shared_secret";
    private const string FileKey = "worker_secret_file";
    private const string FileAlias = "shared_secret_file";

    public static (WorkerSecret? Secret, string? File) Read(LoadContext ctx, MappingReader section)
    {
        var inline = Pick(ctx, section, InlineKey, InlineAlias);
        var file = Pick(ctx, section, FileKey, FileAlias);

        if (inline is { } i && file is { } f)
        {
            ctx.Error(f.Value.Start, f.Path, $"both {i.Path} and {f.Path} are set; keep only one source for the secret");
            return (null, null);
        }

        if (inline is { } inlineEntry)
        {
            ctx.Alias(KeyPath.Child(section.Path, InlineKey), inlineEntry.Path);
            var text = section.OptionalString(inlineEntry.Key, sensitive: true);
            return (text is null ? null : new WorkerSecret(text.Trim()), null);
        }

        if (file is { } fileEntry)
        {
            ctx.Alias(KeyPath.Child(section.Path, FileKey), fileEntry.Path);
            if (section.OptionalString(fileEntry.Key) is not { } pathText) return (null, null);
            if (ConfigPaths.Resolve(ctx, fileEntry, pathText) is not { } path) return (null, null);
            var secret = SecretFileReader.Read(ctx, fileEntry, path);
            return (secret, secret is null ? null : path);
        }

        return (null, null);
    }

    /// <summary>The entry for the key or its older alias; both at once is an error naming both.</summary>
    private static MappingReader.Entry? Pick(LoadContext ctx, MappingReader section, string key, string alias)
    {
        var primary = section.Find(key);
        var old = section.Find(alias);
        if (primary is { } p && old is { } o)
        {
            ctx.Error(o.KeyNode.Start, o.Path, $"both {p.Path} and {o.Path} are set; they are aliases, keep only {p.Path}");
            return null;
        }
        if (primary is null && old is { } legacy) ctx.Deprecated(legacy, key, "renamed in the Python daemon; same meaning");
        return primary ?? old;
    }
}
