using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class ConfigLocatorTests
{
    [Fact]
    public void Explicit_path_wins()
        => Assert.Equal("/my/config.yaml", ConfigLocator.Resolve("/my/config.yaml", Env(("EMX2_HPC_CONFIG", "/env/config.yaml"))));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Environment_variable_is_next(string? explicitPath)
        => Assert.Equal("/env/config.yaml", ConfigLocator.Resolve(explicitPath, Env(("EMX2_HPC_CONFIG", "/env/config.yaml"))));

    [Fact]
    public void Etc_is_the_fallback()
    {
        Assert.Equal("/etc/emx2-hpc/config.yaml", ConfigLocator.Resolve(null, Env()));
        Assert.Equal("/etc/emx2-hpc/config.yaml", ConfigLocator.Resolve(null, Env(("EMX2_HPC_CONFIG", ""))));
    }
}
