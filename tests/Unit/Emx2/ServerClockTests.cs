using System.Globalization;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using static Emx2Hpc.Tests.Unit.Emx2.ClientFixture;

namespace Emx2Hpc.Tests.Unit.Emx2;

public class ServerClockTests
{
    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public async Task Register_response_teaches_the_server_zone_and_skew()
    {
        var (client, handler, clock) = Create();
        handler.ThenJson(200, """{"worker_id":"worker-1","hostname":"hn","registered_at":"2026-03-01T09:00:00","last_heartbeat_at":"2026-03-11T11:30:04.987654","_links":{}}""",
            r => r.Headers.Date = Utc("2026-03-11T10:30:05Z"));

        var reg = await client.RegisterWorkerAsync(new RegisterWorkerRequest
        {
            Hostname = "hn",
            Capabilities = [new CapabilityDto { Processor = "embed", Profile = "gpu", MaxConcurrentJobs = 2 }],
        });

        Assert.Equal("worker-1", reg.WorkerId);
        Assert.Equal("""{"worker_id":"worker-1","hostname":"hn","capabilities":[{"processor":"embed","profile":"gpu","max_concurrent_jobs":2}]}""",
            handler.Requests[0].BodyText);
        Assert.Equal(TimeSpan.FromHours(1), client.ServerClock.UtcOffset);
        Assert.Equal(TimeSpan.FromSeconds(5), client.ServerClock.Skew); // clock starts at 10:30:00Z
        Assert.Equal(Utc("2026-03-11T09:15:00Z"), client.ServerClock.ToUtc("2026-03-11 10:15:00"));
        Assert.Equal(clock.GetUtcNow(), Utc("2026-03-11T10:30:00Z"));
    }

    [Theory]
    [InlineData("2026-03-11T16:15:30", "2026-03-11T10:30:31Z", 345)]   // Nepal, +05:45
    [InlineData("2026-03-11T05:29:58.5", "2026-03-11T10:30:01Z", -300)] // America/Bogota, −05:00
    [InlineData("2026-03-11T10:30:00", "2026-03-11T10:30:00Z", 0)]
    public void Offset_is_rounded_to_the_quarter_hour(string naive, string date, int minutes)
    {
        var sc = new ServerClock(new TestClock());
        Assert.True(sc.LearnOffset(naive, Utc(date)));
        Assert.Equal(TimeSpan.FromMinutes(minutes), sc.UtcOffset);
    }

    [Fact]
    public void Implausible_or_missing_inputs_are_ignored()
    {
        var sc = new ServerClock(new TestClock());
        Assert.False(sc.LearnOffset("not a time", Utc("2026-03-11T10:30:00Z")));
        Assert.False(sc.LearnOffset("2026-03-11T10:30:00", null));
        Assert.False(sc.LearnOffset("2026-03-13T10:30:00", Utc("2026-03-11T10:30:00Z")));
        Assert.Null(sc.UtcOffset);
        Assert.Null(sc.ToUtc(null));
        Assert.Null(sc.ToUtc("garbage"));
    }

    [Fact]
    public void Before_learning_the_local_zone_is_assumed()
    {
        var clock = new TestClock { Zone = TimeZoneInfo.CreateCustomTimeZone("test+02", TimeSpan.FromHours(2), "test+02", "test+02") };
        var sc = new ServerClock(clock);

        Assert.Equal(Utc("2026-03-11T08:00:00Z"), sc.ToUtc("2026-03-11T10:00:00"));
        sc.LearnOffset("2026-03-11T05:30:00", Utc("2026-03-11T10:30:00Z"));
        Assert.Equal(Utc("2026-03-11T15:00:00Z"), sc.ToUtc("2026-03-11T10:00:00"));
    }

    [Fact]
    public async Task Every_response_date_updates_the_skew()
    {
        var (client, handler, clock) = Create();
        handler.ThenJson(200, """{"worker_id":"worker-1","status":"ok"}""", r => r.Headers.Date = clock.GetUtcNow() + TimeSpan.FromSeconds(42));

        await client.HeartbeatAsync();

        Assert.Equal(TimeSpan.FromSeconds(42), client.ServerClock.Skew);
        Assert.Null(client.ServerClock.UtcOffset);
    }
}
