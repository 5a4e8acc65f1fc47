using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class MultipleErrorsTests
{
    private const string Yaml = """
        emx2:
          auth_mode: basic
        worker:
          poll_interval_seconds: 0
          max_jobs: 3
        profiles:
          "embed:gpu":
            sif_image: /i.sif
            container_entrypoint: /run
            memory: 16 GB
            time: soon
            cpus: eight
          broken:
            host_entrypoint: /x
        apptainer:
          bind_paths: [relative]
        """;

    [Fact]
    public void All_problems_are_reported_in_one_exception_in_file_order()
    {
        var errors = Assert.Throws<ConfigException>(() => Load(Yaml)).Errors;

        Assert.Equal(
        [
            (2, "emx2.auth_mode"),
            (4, "worker.poll_interval_seconds"),
            (5, "worker.max_jobs"),
            (10, "profiles.\"embed:gpu\".memory"),
            (11, "profiles.\"embed:gpu\".time"),
            (12, "profiles.\"embed:gpu\".cpus"),
            (13, "profiles.broken"),
            (16, "apptainer.bind_paths[0]"),
        ], errors.Select(e => (e.Line, e.KeyPath)));
    }

    [Fact]
    public void Exception_message_lists_every_error_one_per_line()
    {
        var exception = Assert.Throws<ConfigException>(() => Load(Yaml));
        var lines = exception.Message.Split(Environment.NewLine);

        Assert.Equal(exception.Errors.Count, lines.Length);
        Assert.Equal(exception.Errors.Select(e => e.ToString()), lines);
        Assert.StartsWith("config.yaml:2:14: emx2.auth_mode: invalid value 'basic'", lines[0]);
    }

    [Fact]
    public void Rules_are_still_checked_on_an_entry_whose_key_cannot_be_split()
    {
        var errors = Errors("profiles:\n  nosplit:\n    host_entrypoint: /x\n    memory: lots\n");

        Assert.Equal([(2, "profiles.nosplit"), (4, "profiles.nosplit.memory")], errors.Select(e => (e.Line, e.KeyPath)));
    }

    [Fact]
    public void A_value_with_a_type_error_gets_one_message_not_two()
    {
        // The model falls back to the default for cpus; the rule check must not add "must be at least 1" etc.
        var error = SingleError("worker:\n  max_concurrent_jobs: lots\n");
        Assert.Equal("expected an integer, got 'lots'", error.Message);
    }
}
