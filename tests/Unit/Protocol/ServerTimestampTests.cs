using Emx2Hpc.Core.Protocol;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Protocol;

public class ServerTimestampTests
{
    [Theory]
    [InlineData("2026-03-11T10:28", 2026, 3, 11, 10, 28, 0, 0)]
    [InlineData("2026-03-11T10:28:37", 2026, 3, 11, 10, 28, 37, 0)]
    [InlineData("2026-03-11T10:28:37.123456", 2026, 3, 11, 10, 28, 37, 1234560)]
    [InlineData("2026-03-11 10:28:37.5", 2026, 3, 11, 10, 28, 37, 5000000)]
    [InlineData("2026-03-11 10:28", 2026, 3, 11, 10, 28, 0, 0)]
    public void Parses_naive_server_forms(string text, int y, int mo, int d, int h, int mi, int s, long ticks)
    {
        Assert.True(ServerTimestamp.TryParse(text, out var parsed));
        Assert.Equal(new DateTime(y, mo, d, h, mi, s).AddTicks(ticks), parsed);
        Assert.Equal(DateTimeKind.Unspecified, parsed.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00")]
    public void Rejects_garbage(string? text) => Assert.False(ServerTimestamp.TryParse(text, out _));

    [Fact]
    public void Format_writes_microseconds_and_round_trips()
    {
        var value = new DateTime(2026, 3, 11, 10, 28, 37).AddTicks(1234560);
        var text = ServerTimestamp.Format(value);
        Assert.Equal("2026-03-11T10:28:37.123456", text);
        Assert.True(ServerTimestamp.TryParse(text, out var back));
        Assert.Equal(value, back);
    }
}
