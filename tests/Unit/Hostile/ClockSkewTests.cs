using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>A head node whose clock drifted beyond HMAC's ±300 s window gets 401s. The client error and the
/// <c>check</c> output must name the skew in seconds (the operator's fix is NTP, not the secret); within the
/// window requests are accepted. The emulator's clock is moved, as a drifting server would be.</summary>
[Collection(HostileCollection.Name)]
public sealed class ClockSkewTests
{
    private const string Area = "clock skew";

    /// <param name="ServerAhead">Server clock minus real time.</param>
    /// <param name="Words">What the error and the check line must say ("behind"/"ahead of").</param>
    internal sealed record Case(TimeSpan ServerAhead, bool Accepted, string Words);

    internal static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["server 600 s ahead"] = new(TimeSpan.FromSeconds(600), false, "behind"),
        ["server 600 s behind"] = new(TimeSpan.FromSeconds(-600), false, "ahead of"),
        ["server one hour ahead"] = new(TimeSpan.FromHours(1), false, "behind"),
        ["server 200 s ahead (inside the window)"] = new(TimeSpan.FromSeconds(200), true, "behind"),
        ["server 200 s behind (inside the window)"] = new(TimeSpan.FromSeconds(-200), true, "ahead of"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Skewed_server_clock(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var c = Cases[name];
        await using var emulator = await EmulatorFixture.StartAsync();
        emulator.Server.SetClock(() => DateTimeOffset.Now + c.ServerAhead);
        using var client = new Emx2Client(new Emx2ClientOptions
        {
            BaseUrl = emulator.BaseUrl, WorkerId = EmulatorFixture.Worker.WorkerId, Secret = EmulatorFixture.Worker.Secret,
            MaxAttempts = 1,
        });
        var seconds = (long)Math.Abs(c.ServerAhead.TotalSeconds);
        // Date headers have one-second resolution; allow one second either way.
        var expectedSeconds = new[] { seconds - 1, seconds, seconds + 1 }.Select(s => $"{s} s {c.Words}").ToArray();

        var checks = await RemoteChecks.RunAsync(client, CancellationToken.None);
        var skewLine = checks.Single(r => r.Name == "clock skew");
        Assert.True(expectedSeconds.Any(e => skewLine.Detail.Contains(e, StringComparison.Ordinal)), "check says: " + skewLine);
        var auth = checks.Single(r => r.Name == "emx2 auth");

        if (c.Accepted)
        {
            Assert.Equal(CheckStatus.Pass, auth.Status);
            Assert.NotEqual(CheckStatus.Fail, skewLine.Status);
            await client.ListJobsPageAsync(new JobQuery { Status = "PENDING" });
            return Verdict.Contained;
        }

        Assert.Equal(CheckStatus.Fail, skewLine.Status);
        Assert.Equal(CheckStatus.Fail, auth.Status);
        var ex = await Assert.ThrowsAsync<Emx2AuthenticationException>(() => client.ListJobsPageAsync(new JobQuery { Status = "PENDING" }));
        Assert.True(expectedSeconds.Any(e => ex.Message.Contains(e, StringComparison.Ordinal)), "error says: " + ex.Message);
        Assert.Contains("NTP", ex.Message);
        Assert.True(expectedSeconds.Any(e => auth.Detail.Contains(e, StringComparison.Ordinal)), "auth check says: " + auth);
        return Verdict.Refused;
    });
}
