namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads a key together with the older name the Python emx2-hpc-daemon gave it (REFERENCE-DAEMON §0), so a
/// configuration of any of its generations loads as-is. The old name is recorded as a deprecation naming the new
/// key; giving both is an error, because which one was meant cannot be guessed.</summary>
internal static class LegacyKeys
{
    /// <summary>The entry to read: the new key's, else the old key's (recorded as deprecated); null when neither is
    /// set. Both set is reported and the new key is read, so no follow-up error blames a missing value.</summary>
    public static MappingReader.Entry? Pick(LoadContext ctx, MappingReader section, string key, string oldKey, string? note = null)
    {
        var current = section.Find(key);
        var old = section.Find(oldKey);
        if (current is { } c && old is { } o)
        {
            ctx.Error(o.KeyNode.Start, o.Path, $"both {c.Path} and {o.Path} are set; {oldKey} is the older name of {key}, keep only {key}");
            return c;
        }
        if (old is { } legacy)
        {
            ctx.Deprecated(legacy, key, note);
            ctx.Alias(KeyPath.Child(section.Path, key), legacy.Path);
        }
        return current ?? old;
    }
}
