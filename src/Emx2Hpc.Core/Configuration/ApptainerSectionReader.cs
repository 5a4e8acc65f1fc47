using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>apptainer</c> section.</summary>
internal static class ApptainerSectionReader
{
    public static ApptainerSettings Read(LoadContext ctx, MappingReader section, string stateDb)
    {
        var defaults = new ApptainerSettings();
        var bindPaths = section.StringList("bind_paths")?.Select(item => item.Value).ToImmutableArray();
        return new ApptainerSettings
        {
            BindPaths = bindPaths ?? ImmutableArray<string>.Empty,
            TmpDir = ReadTmpDir(ctx, section) ?? ApptainerSettings.DefaultJobsRoot(stateDb),
        };
    }

    private static string? ReadTmpDir(LoadContext ctx, MappingReader section)
    {
        if (section.Find("tmp_dir") is not { } entry || section.String("tmp_dir") is not { } text) return null;
        if (string.IsNullOrWhiteSpace(text))
        {
            ctx.Error(entry.Value.Start, entry.Path, "job directory root must not be empty");
            return null;
        }
        return ConfigPaths.Resolve(ctx, entry, text);
    }
}
