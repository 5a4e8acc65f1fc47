using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class JobParametersTests
{
    private static JobParameters Parse(string json) => JobParameters.Parse(JsonDocument.Parse(json).RootElement);

    private static string Rejected(string json) => Assert.Throws<JobRejectedException>(() => Parse(json)).Message;

    [Fact]
    public void Absent_null_and_blank_string_are_empty()
    {
        Assert.Same(JobParameters.Empty, JobParameters.Parse(null));
        Assert.Same(JobParameters.Empty, Parse("null"));
        Assert.Same(JobParameters.Empty, Parse("\"  \""));
        Assert.Equal("{}", JobParameters.Empty.ParametersJson);
    }

    [Fact]
    public void Args_are_rendered_as_strings_with_invariant_numbers_and_lowercase_booleans()
    {
        var p = Parse("""{"args":["x", 3, -1.25, 1e-7, 12345678901234567890, true, false]}""");
        Assert.Equal(["x", "3", "-1.25", "1e-7", "12345678901234567890", "true", "false"], p.Args);
    }

    [Fact]
    public void Environment_values_are_scalars_rendered_like_args()
    {
        var p = Parse("""{"environment":{"THREADS":8,"MODE":"fast","DEBUG":false}}""");
        Assert.Equal(new Dictionary<string, string> { ["THREADS"] = "8", ["MODE"] = "fast", ["DEBUG"] = "false" }, p.Environment);
    }

    [Fact]
    public void Parameters_json_is_compact_and_keeps_unicode_and_every_key()
    {
        var p = Parse("""{ "args" : [ "ü" ],  "other" : { "nested" : [1, 2] }, "q": "it's <b>" }""");
        Assert.Equal("""{"args":["ü"],"other":{"nested":[1,2]},"q":"it's <b>"}""", p.ParametersJson);
    }

    [Fact]
    public void A_json_string_containing_an_object_is_accepted()
    {
        var p = Parse(JsonSerializer.Serialize("""{"args":["a"],"environment":{"X":"1"}}"""));
        Assert.Equal(["a"], p.Args);
        Assert.Equal("1", p.Environment["X"]);
        Assert.Equal("""{"args":["a"],"environment":{"X":"1"}}""", p.ParametersJson);
    }

    [Theory]
    [InlineData("[1,2]", "parameters: must be a JSON object (got a list)")]
    [InlineData("42", "parameters: must be a JSON object (got a number)")]
    [InlineData("\"not json\"", "parameters: not valid JSON")]
    [InlineData("\"[1]\"", "parameters: must be a JSON object (got a list)")]
    [InlineData("""{"args":"a b"}""", "parameters.args: must be a list (got a string)")]
    [InlineData("""{"args":["a",{"x":1}]}""", "parameters.args[1]: must be a string, number or boolean (got an object)")]
    [InlineData("""{"args":[["nested"]]}""", "parameters.args[0]: must be a string, number or boolean (got a list)")]
    [InlineData("""{"args":[null]}""", "parameters.args[0]: must be a string, number or boolean (got null)")]
    [InlineData("""{"args":["a\u0000b"]}""", "parameters.args[0]: contains a NUL character")]
    [InlineData("""{"environment":["A=1"]}""", "parameters.environment: must be an object (got a list)")]
    [InlineData("""{"environment":{"A B":"1"}}""", "parameters.environment: invalid variable name 'A B'")]
    [InlineData("""{"environment":{"9LIVES":"1"}}""", "parameters.environment: invalid variable name '9LIVES'")]
    [InlineData("""{"environment":{"X":{"y":1}}}""", "parameters.environment.X: must be a string, number or boolean (got an object)")]
    [InlineData("""{"environment":{"X":"a\u0000"}}""", "parameters.environment.X: contains a NUL character")]
    [InlineData("""{"environment":{"X":"1","X":"2"}}""", "parameters.environment: variable 'X' is given twice")]
    public void Invalid_parameters_are_rejected_with_the_field_named(string json, string expectedStart) =>
        Assert.StartsWith(expectedStart, Rejected(json));

    [Theory]
    [InlineData("HPC_JOB_ID")]
    [InlineData("SLURM_CONF")]
    [InlineData("PATH")]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    public void Reserved_names_are_rejected(string name) =>
        Assert.Contains($"'{name}' is reserved", Rejected($$$"""{"environment":{"{{{name}}}":"x"}}"""));

    [Theory]
    [InlineData("BASH_ENV")]
    [InlineData("PYTHONPATH")]
    [InlineData("NODE_OPTIONS")]
    [InlineData("APPTAINERENV_X")]
    [InlineData("SINGULARITY_BIND")]
    public void Names_that_load_code_are_rejected_for_jobs(string name) =>
        Assert.Contains("may not be set by a job", Rejected($$$"""{"environment":{"{{{name}}}":"x"}}"""));

    [Fact]
    public void Control_characters_in_a_bad_name_are_escaped_in_the_message() =>
        Assert.Contains("'A\\u000aB'", Rejected("""{"environment":{"A\nB":"1"}}"""));
}
