using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Audit;

/// <summary>Copies audit rows from the state database to the JSON-lines file, idempotently: the file's last line
/// says which sequence number it holds, so an export interrupted after the append but before the rows were pruned
/// appends nothing twice. A half-written last line (the process died mid-write) is cut off first and rewritten
/// from the database. The file is created private (0600): it names users and jobs.</summary>
public static class AuditExporter
{
    public static int Export(StateStore store, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(full, options);
        // Sequence numbers restart when a corrupt database is replaced; "db" (the database's creation time) tells
        // the file's numbers of the old database from the new one's.
        var db = store.GetMeta("created_utc") ?? "";
        var last = LastSequence(file, db);
        var written = 0;
        while (true)
        {
            var rows = store.AuditAfter(last, 1000);
            if (rows.Count == 0) break;
            var text = new StringBuilder();
            foreach (var row in rows) text.Append(Line(row, db)).Append('\n');
            file.Seek(0, SeekOrigin.End);
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
            last = rows[^1].Sequence;
            written += rows.Count;
        }
        store.PruneAudit(last);
        return written;
    }

    /// <summary>One event: fixed fields first (seq, time, event, job_id), then the event's own fields.</summary>
    internal static string Line(AuditRow row, string db)
    {
        var line = new JsonObject
        {
            ["seq"] = row.Sequence,
            ["db"] = db,
            ["time"] = row.TimeUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["event"] = row.Event,
            ["job_id"] = row.JobId,
        };
        if (JsonNode.Parse(row.DataJson) is JsonObject data)
            foreach (var (key, value) in data.ToList())
            {
                data.Remove(key);
                line[key] = value;
            }
        return line.ToJsonString();
    }

    private static long LastSequence(FileStream file, string db)
    {
        if (file.Length == 0) return 0;
        // Read the tail backwards until a complete last line is found (lines are small; 64 KiB is plenty).
        var size = (int)Math.Min(file.Length, 64 * 1024);
        var buffer = new byte[size];
        file.Seek(-size, SeekOrigin.End);
        file.ReadExactly(buffer);
        var end = size;
        if (buffer[end - 1] != (byte)'\n')
        {
            var cut = Array.LastIndexOf(buffer, (byte)'\n');
            file.SetLength(file.Length - (size - (cut + 1)));
            end = cut + 1;
            if (end == 0) return 0;
        }
        if (end < 2) return 0;
        var start = Array.LastIndexOf(buffer, (byte)'\n', end - 2) + 1;
        var node = JsonNode.Parse(Encoding.UTF8.GetString(buffer, start, end - 1 - start));
        return node?["db"]?.GetValue<string>() == db ? node["seq"]?.GetValue<long>() ?? 0 : 0;
    }
}
