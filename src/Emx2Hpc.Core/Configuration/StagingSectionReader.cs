using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>staging</c> section. Roots are normalised once here so staging code can compare
/// prefixes without re-deriving them (and "/data/../etc" cannot pose as a root under /data).</summary>
internal static class StagingSectionReader
{
    public static StagingSettings Read(LoadContext ctx, MappingReader section, string stateDb)
    {
        var roots = ImmutableArray.CreateBuilder<string>();
        foreach (var (value, path) in section.StringList("allowed_posix_roots") ?? [])
        {
            if (!PathRules.IsAbsolutePosix(value) || value.Contains('\0'))
            {
                ctx.Report(new ConfigIssue(path, $"allowed root '{value}' must be an absolute path"));
                continue;
            }
            roots.Add(Normalise(value));
        }
        var defaults = new StagingSettings();
        var outputRoot = ReadOutputRoot(ctx, section);
        return new StagingSettings
        {
            AllowedPosixRoots = roots.ToImmutable(),
            MaxOutputBytes = section.Long("max_output_bytes", defaults.MaxOutputBytes),
            MaxOutputFiles = section.Int("max_output_files", defaults.MaxOutputFiles),
            MaxPosixCopyBytes = section.Long("max_posix_copy_bytes", defaults.MaxPosixCopyBytes),
            PosixOutputRoot = outputRoot ?? StagingSettings.DefaultPosixOutputRoot(stateDb),
            PosixOutputRootConfigured = outputRoot is not null,
            PosixOutputRetentionDays = section.Int("posix_output_retention_days", defaults.PosixOutputRetentionDays),
        };
    }

    // Absolute only: EMX2 is given file:// URLs below it, which must not depend on where the config file lives.
    private static string? ReadOutputRoot(LoadContext ctx, MappingReader section)
    {
        if (section.Find("posix_output_root") is not { } entry || section.String("posix_output_root") is not { } text) return null;
        if (!PathRules.IsAbsolutePosix(text) || text.Contains('\0') || PathRules.HasControlCharacters(text))
        {
            ctx.Error(entry.Value.Start, entry.Path, $"posix output root '{text}' must be an absolute path");
            return null;
        }
        return Normalise(text);
    }

    internal static string Normalise(string root)
    {
        var full = Path.GetFullPath(root);
        var trimmed = full.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }
}
