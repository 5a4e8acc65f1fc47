using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Emx2Hpc.Core.Diagnostics;

/// <summary>Writes events as human text ("2026-11-21T10:00:00Z INFO  cycle — message [job_id=…]") or, with
/// --json-logs, one JSON object per line carrying the structured fields as keys so log shippers can index
/// job ids. Every line passes the redactor; nothing is written without it.</summary>
public sealed class ConsoleLogSink(TextWriter writer, bool json, Redactor redactor) : ILogSink
{
    private readonly object _gate = new();

    public void Write(LogEvent e)
    {
        var line = json ? Json(e) : Text(e);
        lock (_gate)
        {
            writer.WriteLine(redactor.Apply(line));
            writer.Flush();
        }
    }

    private static string Text(LogEvent e)
    {
        var sb = new StringBuilder();
        sb.Append(e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(' ')
          .Append(LevelName(e.Level).PadRight(5)).Append(' ').Append(e.Source).Append(" — ").Append(e.Message);
        var fields = e.Fields.Where(f => f.Value is not null).ToList();
        if (fields.Count > 0) sb.Append(" [").AppendJoin(' ', fields.Select(f => $"{f.Key}={f.Value}")).Append(']');
        if (e.Exception is not null) sb.Append(Environment.NewLine).Append(e.Exception);
        return sb.ToString();
    }

    // Redacted before encoding, not only after: the JSON writer escapes '+', '&', '<', quotes and non-ASCII
    // (\u002B …), so a free-text shared secret containing any of them no longer matched in the encoded line.
    private string Json(LogEvent e)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("timestamp", e.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("level", LevelName(e.Level));
            w.WriteString("logger", e.Source);
            w.WriteString("message", redactor.Apply(e.Message));
            foreach (var (key, value) in e.Fields)
            {
                if (key is "timestamp" or "level" or "logger" or "message" or "exception") continue;
                if (value is null) w.WriteNull(key);
                else if (value is int or long or double) w.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                else if (value is bool b) w.WriteBoolean(key, b);
                else w.WriteString(key, redactor.Apply(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
            }
            if (e.Exception is not null) w.WriteString("exception", redactor.Apply(e.Exception.ToString()));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };
}
