using System.Text.Json;
using Emx2Hpc.Core.Audit;
using Emx2Hpc.Core.Metrics;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling.Usage;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>Usage accounting end to end through the cycle with the simulated scheduler (which prints its accounting
/// the way sacct does): the figures in the terminal transition's detail, as usage.json in the log artifact, in the
/// state database, in the audit events and in the persisted usage counters.</summary>
public sealed class UsageAccountingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_finished_job_reports_its_usage_everywhere_once()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Profiles[0] = CycleHarness.MainProfile with { Cpus = 2, Memory = "4G", Gpus = "2" });
        var id = await h.CreateJobAsync(parameters: new { simulate = new { steps = 2 } });
        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(60));
        await h.RunCycleAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        var detail = h.Transitions(id)[^1].Detail;
        // Running from the first pass that saw it (after 30 s) to the pass that saw it finish 90 s later; the
        // simulated accounting uses 75 % of the allocated CPU time and a peak RSS of half the memory.
        Assert.Contains("elapsed=00:01:30; usage: wall_s=90 cpu_alloc_core_s=180 cpu_used_core_s=135 mem_gb_s=360 gpu_s=180 node_h=0.025 max_rss_bytes=2147483648; log_artifact=", detail);

        var usageJson = h.Server.GetFileContent(job.LogArtifactId!, "usage.json");
        Assert.NotNull(usageJson);
        var usage = JobUsage.FromJson(System.Text.Encoding.UTF8.GetString(usageJson));
        Assert.Equal((90.0, 180.0, 135.0, 360.0, 180.0), (usage.WallSeconds, usage.CpuCoreSecondsAllocated, usage.CpuCoreSecondsUsed, usage.MemoryGbSeconds, usage.GpuSeconds));
        Assert.Equal(90.0 / 3600, usage.NodeHours, 9);
        Assert.Equal((2L, 4L << 30, 2L, 1L, "simulated", "COMPLETED"), (usage.AllocCpus, usage.AllocMemoryBytes, usage.AllocGpus, usage.AllocNodes, usage.NodeList, usage.State));

        var auditFile = Path.Combine(Path.GetDirectoryName(h.Config.Worker.StateDb)!, "audit.jsonl");
        var usageEvents = File.ReadAllLines(auditFile).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(e => e.GetProperty("event").GetString() == AuditEvents.Usage).ToList();
        var recorded = Assert.Single(usageEvents);
        Assert.Equal(id, recorded.GetProperty("job_id").GetString());
        Assert.Equal(180.0, recorded.GetProperty("usage").GetProperty("cpu_core_seconds_allocated").GetDouble());
        Assert.Equal(135.0, recorded.GetProperty("usage").GetProperty("cpu_core_seconds_used").GetDouble());

        var counters = h.Store.Counters().Where(c => c.Labels.Contains(("profile", CycleHarness.Profile))).ToDictionary(c => c.Name, c => c.Value);
        Assert.Equal(90.0, counters[PersistedCounters.UsageWallSeconds.Name]);
        Assert.Equal(180.0, counters[PersistedCounters.UsageCpuAllocated.Name]);
        Assert.Equal(135.0, counters[PersistedCounters.UsageCpuUsed.Name]);
        Assert.Equal(360.0 * (1L << 30), counters[PersistedCounters.UsageMemory.Name]);
        Assert.Equal(180.0, counters[PersistedCounters.UsageGpu.Name]);
        Assert.Equal(90.0, counters[PersistedCounters.UsageNodeSeconds.Name], 9);
    }

    [Fact]
    public async Task Usage_recorded_before_a_crash_reaches_the_log_artifact_and_is_counted_once()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var id = await h.CreateJobAsync(parameters: new { simulate = new { steps = 1 } });
        // The pass that sees the job finished records its usage, then the process dies creating the log artifact.
        h.Http.CrashAt(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/api/hpc/artifacts", StringComparison.Ordinal),
            CrashPoint.BeforeSend);
        for (var i = 0; i < 6 && !h.Http.Dead; i++)
        {
            await h.RunCycleAsync();
            h.Clock.Advance(TimeSpan.FromSeconds(30));
        }
        Assert.True(h.Http.Dead);
        Assert.Equal(Emx2Hpc.Core.State.LocalPhase.Finishing, h.Store.GetJob(id)!.Phase);
        Assert.NotNull(h.Store.GetUsage(id));

        h.Restart();
        var job = await h.RunUntilFinishedAsync(id);

        var usage = JobUsage.FromJson(System.Text.Encoding.UTF8.GetString(h.Server.GetFileContent(job.LogArtifactId!, "usage.json")!));
        Assert.True(usage.WallSeconds > 0);
        Assert.Contains($"usage: wall_s={usage.WallSeconds} ", h.Transitions(id)[^1].Detail);
        var wall = h.Store.Counters().Single(c => c.Name == PersistedCounters.UsageWallSeconds.Name);
        Assert.Equal(usage.WallSeconds, wall.Value);
        Assert.Null(h.Store.GetUsage(id)); // forgotten with the job once EMX2 acknowledged the final report
    }
}
