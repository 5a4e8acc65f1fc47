using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class EnvironmentExpansionTests
{
    [Theory]
    [InlineData("${HOST}", "emx2.example.org")]
    [InlineData("https://${HOST}:${PORT:-8443}/x", "https://emx2.example.org:8443/x")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-used-when-empty}", "used-when-empty")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("${EMPTY}", "")]
    [InlineData("$${HOST}", "${HOST}")]
    [InlineData("cost: $5 and $HOST", "cost: $5 and $HOST")]
    [InlineData("a$${b}${HOST}", "a${b}emx2.example.org")]
    public void Expands_variables_defaults_and_escapes(string text, string expected)
    {
        var result = EnvironmentExpander.Expand(text, Env(("HOST", "emx2.example.org"), ("EMPTY", "")), sensitive: false, out var error);

        Assert.Null(error);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("${MISSING}", "environment variable 'MISSING' is not set")]
    [InlineData("${1BAD}", "invalid variable reference '${1BAD}'")]
    [InlineData("${A B}", "invalid variable reference")]
    [InlineData("x ${OPEN", "unterminated variable reference")]
    public void Bad_references_are_errors(string text, string message)
    {
        var result = EnvironmentExpander.Expand(text, Env(), sensitive: false, out var error);

        Assert.Null(result);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Variable_set_in_environment_is_used()
        => Assert.Equal("gpu-node", Load("emx2:\n  worker_id: ${WORKER}\n", ("WORKER", "gpu-node")).Emx2.WorkerId);

    [Fact]
    public void Default_is_used_when_variable_is_unset()
        => Assert.Equal("fallback-worker", Load("emx2:\n  worker_id: ${WORKER:-fallback-worker}\n").Emx2.WorkerId);

    [Fact]
    public void Unset_variable_without_default_names_variable_key_and_line()
    {
        var error = SingleError("emx2:\n  base_url: http://x\n  worker_id: ${WORKER_NAME}\n");

        Assert.Equal(3, error.Line);
        Assert.Equal("emx2.worker_id", error.KeyPath);
        Assert.Contains("'WORKER_NAME' is not set", error.Message);
    }

    [Fact]
    public void Escape_keeps_a_literal_dollar_brace()
    {
        var config = Load("profiles:\n  \"p:q\":\n    host_entrypoint: /x\n    environment:\n      TEMPLATE: \"$${JOB}\"\n");
        Assert.Equal("${JOB}", config.Profiles[0].Environment["TEMPLATE"]);
    }

    [Fact]
    public void Expansion_happens_before_integer_coercion()
    {
        var config = Load("worker:\n  max_concurrent_jobs: ${JOBS}\n  poll_interval_seconds: \"${POLL:-7}\"\n", ("JOBS", "8"));

        Assert.Equal(8, config.Worker.MaxConcurrentJobs);
        Assert.Equal(7, config.Worker.PollIntervalSeconds);
    }

    [Fact]
    public void Expanded_non_integer_is_a_type_error_showing_the_expanded_value()
    {
        var error = SingleError("worker:\n  max_concurrent_jobs: ${JOBS}\n", ("JOBS", "many"));
        Assert.Equal("expected an integer, got 'many'", error.Message);
    }

    [Fact]
    public void Keys_are_not_expanded()
    {
        var error = SingleError("worker:\n  ${KEY}: 3\n", ("KEY", "max_concurrent_jobs"));
        Assert.Contains("unknown key '${KEY}'", error.Message);
    }

    [Fact]
    public void Expansion_applies_to_list_items()
    {
        var config = Load("apptainer:\n  bind_paths: [\"${DATA}:/data\"]\n", ("DATA", "/groups/lab"));
        Assert.Equal(["/groups/lab:/data"], config.Apptainer.BindPaths);
    }

    [Fact]
    public void Errors_in_a_secret_value_do_not_quote_the_text()
    {
        var error = SingleError("emx2:\n  worker_secret: \"s3cr3t-part${oops\"\n");

        Assert.Equal("emx2.worker_secret", error.KeyPath);
        Assert.DoesNotContain("s3cr3t", error.ToString());
    }
}
