namespace Emx2Hpc.Core.Diagnostics;

public enum LogLevel { Debug, Information, Warning, Error }

/// <summary>One log event: a human message plus structured fields (job_id, slurm_job_id, artifact_id …) so
/// --json-logs can emit them as keys and an admin can grep one job's history.</summary>
public sealed record LogEvent(DateTimeOffset Timestamp, LogLevel Level, string Source, string Message,
    IReadOnlyDictionary<string, object?> Fields, Exception? Exception);

/// <summary>Where log events go (console text, JSON lines, PowerShell streams, test capture).</summary>
public interface ILogSink
{
    void Write(LogEvent e);
}

/// <summary>A named logger. Deliberately tiny: Core must not depend on a logging framework that would have to
/// be isolated inside the PowerShell module's load context too.</summary>
public sealed class HpcLog(ILogSink sink, string source, LogLevel minimum = LogLevel.Information)
{
    public static readonly HpcLog Null = new(NullSink.Instance, "null", LogLevel.Error + 1);

    public LogLevel Minimum => minimum;
    public HpcLog For(string childSource) => new(sink, childSource, minimum);
    public bool IsEnabled(LogLevel level) => level >= minimum;

    public void Debug(string message, params (string Key, object? Value)[] fields) => Write(LogLevel.Debug, message, null, fields);
    public void Info(string message, params (string Key, object? Value)[] fields) => Write(LogLevel.Information, message, null, fields);
    public void Warn(string message, params (string Key, object? Value)[] fields) => Write(LogLevel.Warning, message, null, fields);
    public void Error(string message, Exception? ex = null, params (string Key, object? Value)[] fields) => Write(LogLevel.Error, message, ex, fields);

    public void Write(LogLevel level, string message, Exception? ex, (string Key, object? Value)[] fields)
    {
        if (!IsEnabled(level)) return;
        var dict = new Dictionary<string, object?>(fields.Length);
        foreach (var (k, v) in fields) dict[k] = v;
        sink.Write(new LogEvent(DateTimeOffset.UtcNow, level, source, message, dict, ex));
    }

    private sealed class NullSink : ILogSink
    {
        public static readonly NullSink Instance = new();
        public void Write(LogEvent e) { }
    }
}

/// <summary>Keeps events in memory: for tests and for hosts (PowerShell) that replay them on their own thread.</summary>
public sealed class MemoryLogSink : ILogSink
{
    private readonly List<LogEvent> _events = [];
    public IReadOnlyList<LogEvent> Events { get { lock (_events) return _events.ToList(); } }
    public void Write(LogEvent e) { lock (_events) _events.Add(e); }
}
