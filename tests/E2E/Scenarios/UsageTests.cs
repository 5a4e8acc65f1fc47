using System.Globalization;
using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Usage accounting on a real cluster: the figures the worker reports for a finished job (usage.json in the
/// log artifact, the terminal transition's detail) are what <c>sacct -j ID</c> shows for that job, read here with the
/// test's own small parsing, not the worker's.</summary>
public sealed class UsageTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Usage_of_a_finished_job_equals_what_sacct_shows() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("bash", parameters: new { args = new[] { "usage" } });
        job = await RunToEndAsync(job.Id, JobStatus.Completed);
        var slurmId = SlurmIdOf(job.Id);

        var result = await ChildProcess.RunAsync("sacct",
            ["-P", "-n", "-j", slurmId, "-o", "JobID,Elapsed,TotalCPU,AllocTRES,MaxRSS,NodeList,ExitCode,State"], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        Output.WriteLine(result.Stdout);
        var rows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
        var jobRow = rows.Single(r => r[0] == slurmId);
        var elapsed = Seconds(jobRow[1]);
        var totalCpu = Seconds(jobRow[2]);
        var tres = jobRow[3].Split(',').Select(t => t.Split('=')).ToDictionary(t => t[0], t => t[1]);
        var cpus = long.Parse(tres["cpu"], CultureInfo.InvariantCulture);
        var nodes = long.Parse(tres["node"], CultureInfo.InvariantCulture);
        var memory = tres.TryGetValue("mem", out var mem) ? Bytes(mem) : 0;
        var gpus = tres.TryGetValue("gres/gpu", out var gpu) ? long.Parse(gpu, CultureInfo.InvariantCulture) : 0;
        var maxRss = rows.Where(r => r[0].StartsWith(slurmId + ".", StringComparison.Ordinal) && r[4].Length > 0).Select(r => (long?)Bytes(r[4])).Max();

        using var usage = JsonDocument.Parse(await Env.DownloadTextAsync(job.LogArtifactId!, "usage.json"));
        var u = usage.RootElement;
        Assert.Equal(elapsed, u.GetProperty("wall_seconds").GetDouble());
        Assert.Equal(cpus, u.GetProperty("alloc_cpus").GetInt64());
        Assert.Equal(elapsed * cpus, u.GetProperty("cpu_core_seconds_allocated").GetDouble(), 3);
        Assert.Equal(totalCpu, u.GetProperty("cpu_core_seconds_used").GetDouble(), 3);
        Assert.Equal(memory / (1024.0 * 1024 * 1024) * elapsed, u.GetProperty("memory_gb_seconds").GetDouble(), 3);
        Assert.Equal(gpus * elapsed, u.GetProperty("gpu_seconds").GetDouble(), 3);
        Assert.Equal(nodes * elapsed / 3600.0, u.GetProperty("node_hours").GetDouble(), 9);
        Assert.Equal(maxRss, u.TryGetProperty("max_rss_bytes", out var rss) ? rss.GetInt64() : null);
        Assert.Equal(jobRow[5], u.GetProperty("node_list").GetString());
        Assert.Equal(jobRow[6], u.GetProperty("exit_code").GetString());
        Assert.Equal(jobRow[7], u.GetProperty("state").GetString());

        var detail = Env.Transitions(job.Id)[^1].Detail;
        Assert.Contains($"usage: wall_s={elapsed.ToString(CultureInfo.InvariantCulture)} cpu_alloc_core_s={(elapsed * cpus).ToString(CultureInfo.InvariantCulture)} ", detail);
    });

    /// <summary>sacct durations: "[D-]HH:MM:SS" or "MM:SS.fff".</summary>
    private static double Seconds(string text)
    {
        var days = 0;
        if (text.Contains('-'))
        {
            days = int.Parse(text[..text.IndexOf('-')], CultureInfo.InvariantCulture);
            text = text[(text.IndexOf('-') + 1)..];
        }
        var parts = text.Split(':').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var seconds = parts.Length == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
        return days * 86400 + seconds;
    }

    /// <summary>"500M", "12345K": binary units, as sacct prints them.</summary>
    private static long Bytes(string text)
    {
        var power = "KMGTP".IndexOf(char.ToUpperInvariant(text[^1]));
        return power < 0
            ? long.Parse(text, CultureInfo.InvariantCulture)
            : (long)(double.Parse(text[..^1], CultureInfo.InvariantCulture) * Math.Pow(1024, power + 1));
    }
}
