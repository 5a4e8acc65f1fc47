using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads the <c>profiles</c> mapping (profile key → entry), keeping file order.</summary>
internal static class ProfilesSectionReader
{
    public static ImmutableArray<ProfileConfig> Read(LoadContext ctx, MappingReader section)
    {
        var profiles = ImmutableArray.CreateBuilder<ProfileConfig>();
        foreach (var entry in section.Entries)
            if (ProfileEntryReader.Read(ctx, entry) is { } profile) profiles.Add(profile);
        return profiles.ToImmutable();
    }
}
