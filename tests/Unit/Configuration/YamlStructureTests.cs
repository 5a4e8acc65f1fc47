using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class YamlStructureTests
{
    [Theory]
    [InlineData("emx2:\n  base_url: \"http://x\n", 2)]
    [InlineData("emx2:\n  base_url: http://x\n   worker_id: y\n", 3)]
    [InlineData("profiles: {a: 1\n", 2)]
    [InlineData("worker:\n  poll_interval_seconds: 1\n  poll_interval_seconds: 2\n", 3)]
    public void Syntax_errors_carry_the_position_yamldotnet_reports(string yaml, int line)
    {
        var error = SingleError(yaml);

        Assert.Equal(line, error.Line);
        Assert.True(error.Column > 0);
        Assert.StartsWith("invalid YAML: ", error.Message);
    }

    [Fact]
    public void Duplicate_key_is_a_syntax_error_not_a_silent_override()
        => Assert.Contains("duplicate key", SingleError("emx2:\n  worker_id: a\n  worker_id: b\n").Message, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Unclosed_flow_sequence_is_reported_with_a_position_instead_of_crashing()
    {
        // YamlDotNet throws a position-less InvalidOperationException for this input.
        var error = SingleError("apptainer:\n  bind_paths: [/a, /b\nstaging: {}\n");

        Assert.StartsWith("invalid YAML", error.Message);
        Assert.True(error.Line >= 2);
    }

    [Fact]
    public void Several_documents_are_refused()
    {
        var error = SingleError("emx2: {}\n---\nworker: {}\n");
        Assert.Equal(3, error.Line);
        Assert.Contains("one YAML document", error.Message);
    }

    [Fact]
    public void Anchors_and_aliases_are_resolved()
    {
        var config = Load("""
            profiles:
              "a:x": &common
                host_entrypoint: /opt/run
                memory: 32G
              "b:x": *common
            """);

        Assert.Equal(["a", "b"], config.Profiles.Select(p => p.Processor));
        Assert.All(config.Profiles, p => Assert.Equal("32G", p.Memory));
    }

    [Fact]
    public void Scalar_alias_is_resolved()
        => Assert.Equal(15, Load("worker:\n  poll_interval_seconds: &t 15\n  heartbeat_interval_seconds: *t\n").Worker.HeartbeatIntervalSeconds);

    [Fact]
    public void Unknown_alias_is_reported_where_it_is_used()
    {
        var error = SingleError("worker:\n  poll_interval_seconds: *nope\n");

        Assert.Equal((2, 26), (error.Line, error.Column));
        Assert.Equal("invalid YAML: alias '*nope' refers to an anchor ('&nope') that is not defined before it", error.Message);
    }

    [Fact]
    public void Self_referencing_alias_does_not_hang()
    {
        var errors = Errors("apptainer:\n  bind_paths: &a [/x, *a]\n");
        Assert.Contains(errors, e => e.KeyPath == "apptainer.bind_paths[1]" && e.Message.Contains("expected a string, got a list"));
    }

    [Fact]
    public void Quoted_null_word_is_a_string_not_null()
    {
        var error = SingleError("slurm:\n  default_partition: \"null\"\n  default_account: \"~\"\n");
        Assert.Equal("slurm.default_account", error.KeyPath); // "~" is not a valid account name; "null" is a valid partition
    }

    [Fact]
    public void Explicit_null_means_default()
        => Assert.Equal(30, Load("worker:\n  poll_interval_seconds: null\n").Worker.PollIntervalSeconds);

    [Fact]
    public void Number_given_as_quoted_string_is_coerced()
        => Assert.Equal(8, Load("worker:\n  max_concurrent_jobs: \"8\"\n").Worker.MaxConcurrentJobs);

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "emx2hpc-does-not-exist", "config.yaml");

        var exception = Assert.Throws<ConfigException>(() => HpcConfigLoader.LoadFile(path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(path, error.File);
        Assert.Equal($"{path}: configuration file not found", exception.Message);
    }

    [Fact]
    public void File_errors_are_reported_against_the_path_as_given()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.yaml", "worker:\n  poll_interval_seconds: x\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => HpcConfigLoader.LoadFile(path, Options())).Errors);

        Assert.Equal(path, error.File);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Empty_file_loads_defaults()
    {
        using var dir = new TempDir();
        var config = HpcConfigLoader.LoadFile(dir.Write("empty.yaml", ""), Options());

        Assert.Equal(Path.Combine(dir.Path, "empty.yaml"), config.SourcePath);
        Assert.Equal("hpc-daemon-01", config.Emx2.WorkerId);
    }
}
