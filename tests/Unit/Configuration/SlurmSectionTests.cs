using Emx2Hpc.Core.Cycle;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

/// <summary>The slurm: keys that set how the daemon calls the Slurm commands.</summary>
public sealed class SlurmSectionTests
{
    [Fact]
    public void Command_settings_default_to_accounting_a_30_second_timeout_and_the_daemon_user()
    {
        var options = SchedulerFactory.SlurmOptions(Load("slurm:\n  default_partition: short\n").Slurm);

        Assert.True(options.UseAccounting);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CommandTimeout);
        Assert.Equal(Environment.UserName, options.User);
    }

    [Fact]
    public void Command_settings_are_read_from_the_slurm_section()
    {
        var config = Load("slurm:\n  use_accounting: false\n  command_timeout_seconds: 90\n  user: svc-emx2\n");
        var options = SchedulerFactory.SlurmOptions(config.Slurm);

        Assert.False(options.UseAccounting);
        Assert.Equal(TimeSpan.FromSeconds(90), options.CommandTimeout);
        Assert.Equal("svc-emx2", options.User);
    }

    [Theory]
    [InlineData("slurm:\n  use_accounting: yes\n", "slurm.use_accounting", "expected true or false, got 'yes'")]
    [InlineData("slurm:\n  command_timeout_seconds: 0\n", "slurm.command_timeout_seconds", "must be at least 1")]
    [InlineData("slurm:\n  command_timeout_seconds: soon\n", "slurm.command_timeout_seconds", "expected an integer, got 'soon'")]
    [InlineData("slurm:\n  user: \"a b\"\n", "slurm.user", "invalid user name 'a b'")]
    [InlineData("slurm:\n  use_acounting: false\n", "slurm.use_acounting", "did you mean 'use_accounting'?")]
    public void Bad_command_settings_are_errors_naming_the_key(string yaml, string key, string message)
    {
        var error = SingleError(yaml);

        Assert.Equal(key, error.KeyPath);
        Assert.Contains(message, error.Message);
    }
}
