using System.Text.RegularExpressions;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Operations;

/// <summary>Metrics in both modes: the cron textfile (written atomically after every cycle, counters carried across
/// runs through the state database) and the `run` HTTP endpoint, both parsed by promtool.</summary>
public sealed class MetricsTests
{
    private static double Value(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + @" (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"series {series} not found in:\n{exposition}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Cron_cycles_write_a_valid_textfile_whose_job_counters_survive_between_runs()
    {
        await using var world = await OperationsWorld.StartAsync();
        await world.NewJobAsync();
        await world.RunUntilIdleAsync();

        var text = await File.ReadAllTextAsync(world.Textfile);
        var (exit, output) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exit == 0, output);
        // The last run claimed nothing itself: these come from the state database, not from its memory.
        Assert.Equal(1, Value(text, "emx2hpc_jobs_claimed_total{profile=\"gpu\"}"));
        Assert.Equal(1, Value(text, "emx2hpc_jobs_submitted_total{profile=\"gpu\"}"));
        Assert.Equal(1, Value(text, "emx2hpc_jobs_finished_total{profile=\"gpu\",status=\"COMPLETED\"}"));
        // Usage of the finished job (simulated accounting, 2 CPUs): allocated core-seconds are twice the wall seconds.
        Assert.Equal(2 * Value(text, "emx2hpc_usage_wall_seconds_total{profile=\"gpu\"}"), Value(text, "emx2hpc_usage_cpu_core_seconds_allocated_total{profile=\"gpu\"}"));
        Assert.Contains("emx2hpc_usage_node_seconds_total{profile=\"gpu\"}", text);
        Assert.Equal(0, Value(text, "emx2hpc_outbox_depth"));
        Assert.Equal(0, Value(text, "emx2hpc_tracked_jobs{phase=\"running\"}"));
        Assert.True(Value(text, "emx2hpc_last_success_timestamp_seconds") > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        Assert.Equal(1, Value(text, "emx2hpc_cycle_duration_seconds_count"));
        Assert.True(Value(text, "emx2hpc_emx2_requests_total{family=\"jobs\",status_class=\"2xx\"}") >= 1);
        Assert.True(Value(text, "emx2hpc_scheduler_commands_total{command=\"query\",outcome=\"ok\"}") >= 0);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(world.Textfile)!, "*.tmp")); // temp file renamed, not left
    }

    [Fact]
    public async Task The_run_endpoint_serves_the_same_metrics_over_http()
    {
        var port = OperationsWorld.FreePort();
        await using var world = await OperationsWorld.StartAsync();
        var yaml = File.ReadAllText(world.Config).Replace("metrics:\n  textfile: textfile/emx2_hpc.prom", $"metrics:\n  listen: 127.0.0.1:{port}");
        File.WriteAllText(world.Config, yaml);
        await world.NewJobAsync();

        using var session = world.Open();
        using var stop = new CancellationTokenSource();
        var daemon = session.RunDaemonAsync(stop.Token);
        using var http = new HttpClient();
        string body = "";
        for (var i = 0; i < 100; i++)
        {
            try
            {
                body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                if (Regex.IsMatch(body, "^emx2hpc_jobs_claimed_total\\{profile=\"gpu\"\\} 1$", RegexOptions.Multiline)) break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await daemon;

        var (exit, output) = await Promtool.CheckMetricsAsync(body);
        Assert.True(exit == 0, output);
        Assert.Equal(1, Value(body, "emx2hpc_jobs_claimed_total{profile=\"gpu\"}"));
        Assert.True(Value(body, "emx2hpc_emx2_requests_total{family=\"jobs/claim\",status_class=\"2xx\"}") >= 1);
        Assert.True(Value(body, "emx2hpc_scheduler_commands_total{command=\"submit\",outcome=\"ok\"}") >= 1);
        Assert.False(File.Exists(world.Textfile));
    }

    [Fact]
    public void Request_families_name_the_resource_and_action_never_an_id()
    {
        static string F(string path) => Core.Metrics.Emx2RequestMetricsHandler.Family(new Uri("http://h/emx2" + path));
        Assert.Equal("jobs", F("/api/hpc/jobs?status=PENDING"));
        Assert.Equal("jobs", F("/api/hpc/jobs/0b9e4c4e-3a61-4c1e-9b0e-0c1f3f0f6a11"));
        Assert.Equal("jobs/claim", F("/api/hpc/jobs/0b9e4c4e-3a61-4c1e-9b0e-0c1f3f0f6a11/claim"));
        Assert.Equal("artifacts/files", F("/api/hpc/artifacts/abc/files/some/Path.txt"));
        Assert.Equal("workers", F("/api/hpc/workers/register"));
        Assert.Equal("other", F("/elsewhere"));
    }
}
