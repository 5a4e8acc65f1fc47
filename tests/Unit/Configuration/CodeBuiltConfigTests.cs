using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Scheduling;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Configuration;

/// <summary>Configs built in code (tests, the demo command) go through the same rules, without positions.</summary>
public class CodeBuiltConfigTests
{
    private static readonly ProfileConfig Demo = new()
    {
        Key = "demo:default",
        Processor = "demo",
        Profile = "default",
        HostEntrypoint = "/usr/local/bin/demo",
        Cpus = 1,
        Memory = "1G",
        Time = "10",
    };

    [Fact]
    public void Valid_demo_config()
    {
        var config = new HpcConfig
        {
            Emx2 = new Emx2Settings { WorkerId = "demo", Secret = new WorkerSecret(new string('s', 43)) },
            Worker = new WorkerSettings { StateDb = "/tmp/demo/state.db", MaxConcurrentJobs = 2 },
            Profiles = [Demo],
        };

        Assert.Empty(HpcConfigValidator.Validate(config));
        HpcConfigValidator.ThrowIfInvalid(config);
        Assert.Equal(ExecutionMode.Host, config.FindProfile("demo", null)?.Mode);
    }

    [Fact]
    public void Invalid_code_config_reports_key_paths_without_positions()
    {
        var config = new HpcConfig
        {
            Emx2 = new Emx2Settings { Secret = new WorkerSecret("short") },
            Worker = new WorkerSettings { PollIntervalSeconds = 0 },
            Profiles = [Demo with { Memory = "lots", SbatchArgs = ["--wrap=x"] }, Demo with { Key = "demo/default" }],
        };

        var errors = HpcConfigValidator.Validate(config);

        Assert.Equal(
        [
            "emx2.worker_secret",
            "worker.poll_interval_seconds",
            "profiles.\"demo:default\".memory",
            "profiles.\"demo:default\".sbatch_args[0]",
            "profiles.\"demo/default\"",
        ], errors.Select(e => e.KeyPath));
        Assert.All(errors, e => Assert.Equal((0, 0, "(in-memory config)"), (e.Line, e.Column, e.File)));
        Assert.StartsWith("(in-memory config): emx2.worker_secret: secret is shorter", errors[0].ToString());
        Assert.Throws<ConfigException>(() => HpcConfigValidator.ThrowIfInvalid(config));
    }

    [Fact]
    public void Blank_names_in_code_are_caught()
    {
        var config = new HpcConfig { Profiles = [Demo with { Processor = " " }] };
        Assert.Contains(HpcConfigValidator.Validate(config), e => e.Message == "processor name must not be blank");
    }

    [Fact]
    public void Mode_is_derived_from_the_entrypoints()
    {
        Assert.Equal(ExecutionMode.Host, Demo.Mode);
        Assert.Equal(ExecutionMode.Apptainer, (Demo with { HostEntrypoint = null, SifImage = "/i.sif", ContainerEntrypoint = "/r" }).Mode);
    }

    [Fact]
    public void Summary_of_code_config()
    {
        var lines = new HpcConfig { Profiles = [Demo] }.Describe();

        Assert.Equal("config: (in-memory config)", lines[0]);
        Assert.Contains("secret: NOT configured", lines);
        Assert.Contains("allowed posix roots: (none: posix inputs are refused)", lines);
        Assert.Equal("  demo:default → host /usr/local/bin/demo (normal, 1 cpu, 1G, 10, output=managed, log=managed)", lines[^1]);
    }
}
