using System.Globalization;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Status;

/// <summary>Reads the cycle lock's owner record ("pid=… host=… since=…") without taking the lock.</summary>
internal static class LockHolderReader
{
    public static LockHolderInfo? Read(string stateDb, DateTimeOffset now)
    {
        var record = CycleLock.ReadHolder(CycleLock.PathFor(stateDb));
        if (record is null) return null;
        var fields = record.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        int? pid = fields.TryGetValue("pid", out var p) && int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        DateTimeOffset? since = fields.TryGetValue("since", out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
        return new LockHolderInfo(pid, fields.GetValueOrDefault("host"), since, since is null ? null : now - since.Value, CycleLock.IsAlive(record), record);
    }
}
