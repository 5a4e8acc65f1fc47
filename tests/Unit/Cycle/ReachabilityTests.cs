using System.Net;
using System.Net.Sockets;
using Emx2Hpc.Core.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>CycleReport.Emx2Unreachable drives `once`'s exit code: cron must see a refused secret and a dead server.</summary>
public sealed class ReachabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_refused_secret_marks_the_cycle_unreachable_and_ends_it_after_registration()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var id = await h.CreateJobAsync();
        var wrong = h.Config with { Emx2 = h.Config.Emx2 with { Secret = new WorkerSecret("not-the-worker-secret-0123456789abcdefghijk") } };
        using var runner = h.CreateRunner(wrong);

        var report = await runner.RunOnceAsync();

        Assert.True(report.Emx2Unreachable);
        Assert.False(report.Registered);
        var error = Assert.Single(report.Errors);
        Assert.StartsWith("register:", error);
        Assert.Contains("401", error);
        Assert.Equal([401], h.Sent.Select(r => r.Status ?? 0)); // no retries of a refusal, nothing after it
        Assert.Equal(Core.Protocol.JobStatus.Pending, h.Job(id).Status);
    }

    [Fact]
    public async Task A_closed_port_marks_the_cycle_unreachable()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var closed = h.Config with { Emx2 = h.Config.Emx2 with { BaseUrl = new Uri($"http://127.0.0.1:{port}/") } };
        using var runner = h.CreateRunner(closed);

        var report = await runner.RunOnceAsync();

        Assert.True(report.Emx2Unreachable);
        var error = Assert.Single(report.Errors);
        Assert.StartsWith("register:", error);
        Assert.Contains("connection refused", error);
        Assert.True(h.Sent.Count >= 1 && h.Sent.All(r => r.Status is null && r.Path == "/api/hpc/workers/register"));
    }

    [Fact]
    public async Task A_healthy_cycle_is_not_unreachable()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var report = await h.RunCycleAsync();
        Assert.False(report.Emx2Unreachable);
        Assert.Empty(report.Errors);
        Assert.True(report.Registered);
    }
}
