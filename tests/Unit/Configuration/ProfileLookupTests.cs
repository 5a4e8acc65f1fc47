using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class ProfileLookupTests
{
    private static readonly HpcConfig Config = Load("profiles:\n"
                                                    + HostProfile("embed:default")
                                                    + HostProfile("embed:gpu", "cpus: 16")
                                                    + HostProfile("text-embedding:v3:large"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("default")]
    public void Missing_profile_means_default(string? profile)
        => Assert.Equal("embed:default", Config.FindProfile("embed", profile)?.Key);

    [Fact]
    public void Exact_processor_and_profile_match()
        => Assert.Equal(16, Config.FindProfile("embed", "gpu")?.Cpus);

    [Theory]
    [InlineData("embed", "GPU")]
    [InlineData("Embed", "gpu")]
    [InlineData("embed", "cpu")]
    [InlineData("other", null)]
    public void No_fuzzy_matching(string processor, string? profile) => Assert.Null(Config.FindProfile(processor, profile));

    [Fact]
    public void Colon_key_splits_on_the_last_colon()
        => Assert.NotNull(Config.FindProfile("text-embedding:v3", "large"));

    [Theory]
    [InlineData("a:b", "a", "b")]
    [InlineData("a/b", "a", "b")]
    [InlineData("text-embedding:v3/gpu-medium", "text-embedding:v3", "gpu-medium")]
    [InlineData("text-embedding:v3:gpu-medium", "text-embedding:v3", "gpu-medium")]
    [InlineData("ns/tool/cpu", "ns/tool", "cpu")]
    [InlineData("a/b:c", "a", "b:c")]
    public void Key_split_rule(string key, string processor, string profile)
    {
        Assert.True(ProfileKey.TrySplit(key, out var actualProcessor, out var actualProfile));
        Assert.Equal((processor, profile), (actualProcessor, actualProfile));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(":b")]
    [InlineData("a:")]
    [InlineData("/b")]
    [InlineData("a/")]
    [InlineData(" :b")]
    public void Unsplittable_keys(string key) => Assert.False(ProfileKey.TrySplit(key, out _, out _));

    [Fact]
    public void Effective_values_prefer_the_profile()
    {
        var slurm = new SlurmSettings { DefaultPartition = "normal", DefaultAccount = "lab" };
        var own = new ProfileConfig { Key = "k", Processor = "p", Profile = "q", Partition = "gpu", Account = "other" };
        var inherited = own with { Partition = null, Account = null };

        Assert.Equal(("gpu", "other"), (own.EffectivePartition(slurm), own.EffectiveAccount(slurm)));
        Assert.Equal(("normal", "lab"), (inherited.EffectivePartition(slurm), inherited.EffectiveAccount(slurm)));
    }
}
