using System.Text.Json;
using Emx2Hpc.Core.Diagnostics;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Diagnostics;

public sealed class ConsoleLogSinkTests
{
    private const string Secret = "s3cr3t-value-that-is-long-enough-0123456789";

    private static (HpcLog Log, StringWriter Output) Make(bool json, LogLevel min = LogLevel.Debug)
    {
        var output = new StringWriter();
        var redactor = new Redactor();
        redactor.Add(Secret);
        return (new HpcLog(new ConsoleLogSink(output, json, redactor), "cycle", min), output);
    }

    [Fact]
    public void Json_lines_carry_structured_fields_as_keys()
    {
        var (log, output) = Make(json: true);
        log.Info("claimed job", ("job_id", "0b6f0c1e-0000-4000-8000-000000000001"), ("attempt", 2));
        using var doc = JsonDocument.Parse(output.ToString().Trim());
        var root = doc.RootElement;
        Assert.Equal("INFO", root.GetProperty("level").GetString());
        Assert.Equal("cycle", root.GetProperty("logger").GetString());
        Assert.Equal("claimed job", root.GetProperty("message").GetString());
        Assert.Equal("0b6f0c1e-0000-4000-8000-000000000001", root.GetProperty("job_id").GetString());
        Assert.Equal(2, root.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public void Text_lines_show_level_source_and_fields()
    {
        var (log, output) = Make(json: false);
        log.Warn("scheduler unavailable", ("slurm_job_id", "42"));
        var line = output.ToString().Trim();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ WARN  cycle — scheduler unavailable \[slurm_job_id=42\]$", line);
    }

    [Fact]
    public void Debug_is_suppressed_below_the_minimum_level()
    {
        var (log, output) = Make(json: false, LogLevel.Information);
        log.Debug("noise");
        Assert.Equal("", output.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Secret_is_redacted_from_messages_fields_and_exceptions(bool json)
    {
        var (log, output) = Make(json);
        log.Error($"server echoed {Secret}", new InvalidOperationException($"inner {Secret}"), ("header", Secret));
        var text = output.ToString();
        Assert.DoesNotContain(Secret, text);
        Assert.Contains("***", text);
    }
}
