using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>staging</c> section. Roots are normalised once here so staging code can compare
/// prefixes without re-deriving them (and "/data/../etc" cannot pose as a root under /data).</summary>
internal static class StagingSectionReader
{
    public static StagingSettings Read(LoadContext ctx, MappingReader section)
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
        return new StagingSettings
        {
            AllowedPosixRoots = roots.ToImmutable(),
            MaxOutputBytes = section.Long("max_output_bytes", defaults.MaxOutputBytes),
            MaxOutputFiles = section.Int("max_output_files", defaults.MaxOutputFiles),
        };
    }

    internal static string Normalise(string root)
    {
        var full = Path.GetFullPath(root);
        var trimmed = full.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }
}
