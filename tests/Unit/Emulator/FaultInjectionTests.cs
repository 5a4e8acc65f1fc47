using System.Net;
using Emx2Hpc.Emulator.Faults;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>Fault plan actions over real HTTP: what the client sees and whether the server acted.</summary>
public class FaultInjectionTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>, IDisposable
{
    public void Dispose() => f.Server.SetFaultPlan(null);

    private void Plan(FaultAction action, int skip = 0, int times = 1, int delayMs = FaultRule.DefaultTimeoutDelayMs) =>
        f.Server.SetFaultPlan(new FaultPlan
        {
            Rules = [new FaultRule { Method = "POST", PathPattern = "^/api/hpc/jobs$", Action = action, Skip = skip, Times = times, DelayMs = delayMs }],
        });

    private Task<HttpResponseMessage> CreateAsync(string processor) =>
        f.SendAsync(f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs", $$"""{"processor":"{{processor}}"}"""));

    private int JobsOf(string processor) => f.Server.ListJobs().Count(j => j.Processor == processor);

    [Fact]
    public async Task Service_unavailable_answers_503_without_touching_state()
    {
        var processor = Scenario.Unique("f503");
        Plan(FaultAction.ServiceUnavailable, skip: 1, times: 1);
        using (var first = await CreateAsync(processor)) await HttpAssert.StatusAsync(HttpStatusCode.Created, first);
        using (var faulted = await CreateAsync(processor)) await HttpAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, faulted, "fault injected");
        using (var after = await CreateAsync(processor)) await HttpAssert.StatusAsync(HttpStatusCode.Created, after);
        Assert.Equal(2, JobsOf(processor));
        Assert.Equal(1, f.Server.FaultsFired);
        Assert.Equal([1], f.Server.FaultsFiredPerRule);
    }

    [Fact]
    public async Task Drop_after_commit_changes_state_but_the_client_sees_a_network_error()
    {
        var processor = Scenario.Unique("fdac");
        Plan(FaultAction.DropAfterCommit);
        await Assert.ThrowsAsync<HttpRequestException>(() => CreateAsync(processor));
        Assert.Equal(1, JobsOf(processor));
    }

    [Theory]
    [InlineData(FaultAction.DropBefore)]
    [InlineData(FaultAction.Refuse)]
    public async Task Dropping_before_the_handler_changes_nothing(FaultAction action)
    {
        var processor = Scenario.Unique("fdrop");
        Plan(action);
        await Assert.ThrowsAsync<HttpRequestException>(() => CreateAsync(processor));
        Assert.Equal(0, JobsOf(processor));
        Assert.Equal(1, f.Server.FaultsFired);
        Assert.True(f.Server.RequestLog.Count("POST", "/api/hpc/jobs") > 0); // it reached the server and was counted
    }

    [Fact]
    public async Task Timeout_holds_the_request_then_drops_it()
    {
        var processor = Scenario.Unique("ftimeout");
        Plan(FaultAction.Timeout, delayMs: 300);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<HttpRequestException>(() => CreateAsync(processor));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(0, JobsOf(processor));
    }

    [Fact]
    public async Task Client_timeout_fires_first_on_a_long_timeout_fault()
    {
        Plan(FaultAction.Timeout, delayMs: 30_000);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var request = f.AsUser(EmulatorFixture.EditorToken, HttpMethod.Post, "/api/hpc/jobs", """{"processor":"slow"}""");
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.SendAsync(request));
    }

    [Fact]
    public async Task Rules_only_hit_matching_method_and_path()
    {
        Plan(FaultAction.ServiceUnavailable, times: 0);
        using var get = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, "/api/hpc/jobs"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, get);
        using var claim = await f.SendAsync(f.AsUser(EmulatorFixture.ViewerToken, HttpMethod.Get, $"/api/hpc/jobs/{Guid.NewGuid()}"));
        await HttpAssert.ProblemAsync(HttpStatusCode.NotFound, claim);
        Assert.Equal(0, f.Server.FaultsFired);
    }
}
