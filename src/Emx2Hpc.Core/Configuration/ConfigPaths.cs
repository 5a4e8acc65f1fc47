namespace Emx2Hpc.Core.Configuration;

/// <summary>Resolves filesystem paths written in the config. Relative paths are relative to the config file's
/// directory (not the process's working directory, which differs between cron, systemd and a shell).</summary>
internal static class ConfigPaths
{
    public static string? Resolve(LoadContext ctx, MappingReader.Entry entry, string text)
    {
        if (text.StartsWith('~'))
        {
            // Expanding ~ silently differs between users (cron vs. interactive); ${HOME} says what it means.
            ctx.Error(entry.Value.Start, entry.Path, $"'~' is not expanded in '{text}'; use ${{HOME}}/... or an absolute path");
            return null;
        }
        if (text.Contains('\0'))
        {
            ctx.Error(entry.Value.Start, entry.Path, "path must not contain NUL characters");
            return null;
        }
        return Path.GetFullPath(text, ctx.BaseDirectory);
    }
}
