using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

/// <summary>The metrics, audit and status sections: defaults, paths, and the rules that keep metrics on loopback.</summary>
public sealed class OperationsKeysTests
{
    [Fact]
    public void Defaults_keep_metrics_off_audit_on_beside_the_state_database()
    {
        var config = Load("worker:\n  state_db: /var/lib/emx2-hpc/state.db\n");
        Assert.Null(config.Metrics.Listen);
        Assert.Null(config.Metrics.Textfile);
        Assert.True(config.Audit.Enabled);
        Assert.Equal("/var/lib/emx2-hpc/audit.jsonl", config.Audit.ResolvePath(config.Worker.StateDb));
        Assert.Equal(900, config.Status.MaxReportAgeSeconds);
        Assert.Equal(3600, config.Status.MaxCycleSeconds);
    }

    [Fact]
    public void Keys_are_read_and_relative_paths_resolve_against_the_config_directory()
    {
        var config = Load("metrics:\n  listen: \"[::1]:9464\"\n  textfile: prom/emx2.prom\naudit:\n  enabled: no\n  path: audit.jsonl\nstatus:\n  max_report_age_seconds: 60\n  max_cycle_seconds: 120\n");
        Assert.Equal("[::1]:9464", config.Metrics.Listen);
        Assert.Equal($"{BaseDir}/prom/emx2.prom", config.Metrics.Textfile);
        Assert.False(config.Audit.Enabled);
        Assert.Equal($"{BaseDir}/audit.jsonl", config.Audit.Path);
        Assert.Equal(60, config.Status.MaxReportAgeSeconds);
        Assert.Equal(120, config.Status.MaxCycleSeconds);
    }

    [Theory]
    [InlineData("metrics:\n  listen: 0.0.0.0:9464\n", "metrics.listen", "not a loopback address")]
    [InlineData("metrics:\n  listen: 9464\n", "metrics.listen", "expected host:port")]
    [InlineData("metrics:\n  textfile: /tmp/emx2.txt\n", "metrics.textfile", "must end in .prom")]
    [InlineData("audit:\n  enabled: maybe\n", "audit.enabled", "expected true or false")]
    [InlineData("status:\n  max_cycle_seconds: 0\n", "status.max_cycle_seconds", "at least 1")]
    [InlineData("status:\n  max_report_age: 5\n", "status.max_report_age", "unknown key 'max_report_age'")]
    public void Mistakes_name_the_key(string yaml, string key, string message)
    {
        var error = SingleError(yaml);
        Assert.Equal(key, error.KeyPath);
        Assert.Contains(message, error.Message);
        Assert.True(error.Line > 0);
    }
}
