using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Emulator.Model;

/// <summary>The emulator's notion of "now". Injectable so tests can put the server off the client's clock (the
/// ±300 s HMAC window) or age credentials, without sleeping.</summary>
internal sealed class EmulatorClock
{
    private Func<DateTimeOffset> _now = () => DateTimeOffset.Now;

    public void Set(Func<DateTimeOffset>? now) => Volatile.Write(ref _now, now ?? (() => DateTimeOffset.Now));

    public DateTimeOffset Now => Volatile.Read(ref _now)();

    public long UnixSeconds => Now.ToUnixTimeSeconds();

    /// <summary>Naive server-local datetime, the only form the real server stores and returns.</summary>
    public DateTime LocalNaive => DateTime.SpecifyKind(Now.ToLocalTime().DateTime, DateTimeKind.Unspecified);

    /// <summary>"now" formatted the way it is stored and sent.</summary>
    public string Stamp() => ServerTimestamp.Format(LocalNaive);
}
