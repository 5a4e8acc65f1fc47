using Emx2Hpc.Core.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class RegistrationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Registers_one_capability_per_profile_keeping_colons_in_processor_names()
    {
        await using var h = await CycleHarness.StartAsync(output, o =>
        {
            o.Profiles.Add(CycleHarness.HostProfile(CycleHarness.Processor, ProfileConfig.DefaultProfileName));
            o.Profiles.Add(CycleHarness.HostProfile("vcf-annotate", "cpu:small"));
            o.MaxConcurrentJobs = 3;
        });

        var report = await h.RunCycleAsync();

        Assert.True(report.Registered);
        Assert.Empty(report.Errors);
        var worker = h.Server.GetWorker(CycleHarness.WorkerId);
        Assert.NotNull(worker);
        Assert.Equal(Environment.MachineName, worker.Hostname);
        Assert.Equal(
            [("text-embedding:v3", "gpu-medium", 3), ("text-embedding:v3", "default", 3), ("vcf-annotate", "cpu:small", 3)],
            h.Server.GetCapabilities(CycleHarness.WorkerId).Select(c => (c.Processor, c.Profile, c.MaxConcurrentJobs ?? -1)).OrderBy(c => c.Processor).ThenBy(c => c.Profile == "default" ? 1 : 0));
    }

    [Fact]
    public async Task Once_registers_every_cycle_and_only_when_asked()
    {
        await using var h = await CycleHarness.StartAsync(output);

        for (var i = 0; i < 3; i++) Assert.True((await h.RunCycleAsync()).Registered);
        var unregistered = await h.RunCycleAsync(register: false);

        Assert.False(unregistered.Registered);
        Assert.Equal(3, h.Server.RequestLog.Count("POST", "/api/hpc/workers/register"));
        Assert.Equal(3, h.Sent.Count(r => r.Path == "/api/hpc/workers/register"));
        Assert.Equal(0, h.Server.RequestLog.Count("POST", "/api/hpc/workers/{id}/heartbeat"));
    }

    [Fact]
    public async Task Heartbeat_meeting_404_registers_again_with_all_capabilities()
    {
        await using var h = await CycleHarness.StartAsync(output, o =>
        {
            o.SharedSecret = true;
            o.Profiles.Add(CycleHarness.HostProfile("vcf-annotate", "cpu"));
        });
        await h.RunCycleAsync();
        await h.Runner.WithLockAsync(async c => { await c.Registration.HeartbeatAsync(default); return 0; });
        Assert.Equal(1, h.Server.RequestLog.Count("POST", "/api/hpc/workers/register"));

        await h.Manager.DeleteWorkerAsync(CycleHarness.WorkerId);
        Assert.Null(h.Server.GetWorker(CycleHarness.WorkerId));
        Assert.Empty(h.Server.GetCapabilities(CycleHarness.WorkerId));

        await h.Runner.WithLockAsync(async c => { await c.Registration.HeartbeatAsync(default); return 0; });

        Assert.NotNull(h.Server.GetWorker(CycleHarness.WorkerId));
        Assert.Equal(2, h.Server.GetCapabilities(CycleHarness.WorkerId).Count);
        Assert.Equal(2, h.Server.RequestLog.Count("POST", "/api/hpc/workers/{id}/heartbeat"));
        Assert.Equal(2, h.Server.RequestLog.Count("POST", "/api/hpc/workers/register"));
        Assert.Equal([200, 404, 200], h.Sent.Where(r => r.Path.Contains("/heartbeat") || r.Path.EndsWith("/register"))
            .Skip(1).Select(r => r.Status ?? 0));
        Assert.Contains(h.Logs.Events, e => e.Message.Contains("does not know worker", StringComparison.Ordinal));
    }
}
