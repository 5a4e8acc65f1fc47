using Emx2Hpc.Core.Configuration;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class KeyPathTests
{
    [Theory]
    [InlineData("", "emx2", "emx2")]
    [InlineData("profiles", "embed:gpu", "profiles.\"embed:gpu\"")]
    [InlineData("profiles", "a.b", "profiles.\"a.b\"")]
    [InlineData("profiles", "say \"hi\"", "profiles.\"say \\\"hi\\\"\"")]
    [InlineData("x", "plain_key-1", "x.plain_key-1")]
    public void Child_quotes_non_identifier_segments(string parent, string key, string expected)
        => Assert.Equal(expected, KeyPath.Child(parent, key));

    [Theory]
    [InlineData("profiles.\"a.b\".memory", "profiles.\"a.b\"")]
    [InlineData("profiles.\"a.b\"", "profiles")]
    [InlineData("profiles.\"a\".sbatch_args[2]", "profiles.\"a\".sbatch_args")]
    [InlineData("profiles.\"x\\\".y\"", "profiles")]
    [InlineData("emx2", "")]
    public void Parent_respects_quotes(string path, string parent) => Assert.Equal(parent, KeyPath.Parent(path));

    [Theory]
    [InlineData("cpu", "cpus")]
    [InlineData("memroy", "memory")]
    [InlineData("PARTITION", "partition")]
    [InlineData("sbatch_arg", "sbatch_args")]
    [InlineData("xyz", null)]
    [InlineData("environmental_impact", null)]
    public void Suggestions(string unknown, string? expected)
        => Assert.Equal(expected, KeySuggestion.Closest(unknown, ConfigKeys.Profile));
}
