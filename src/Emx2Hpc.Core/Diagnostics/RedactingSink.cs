namespace Emx2Hpc.Core.Diagnostics;

/// <summary>Wraps a host's sink (PowerShell streams, test capture) so messages, fields and exception text are
/// redacted before the host sees them; ConsoleLogSink redacts the same way on its own.</summary>
public sealed class RedactingSink(ILogSink inner, Redactor redactor) : ILogSink
{
    public void Write(LogEvent e)
    {
        var fields = e.Fields.ToDictionary(f => f.Key, f => f.Value is string s ? (object?)redactor.Apply(s) : f.Value);
        var exception = e.Exception is null ? null : new RedactedException(redactor.Apply(e.Exception.ToString()));
        inner.Write(e with { Message = redactor.Apply(e.Message), Fields = fields, Exception = exception });
    }

    private sealed class RedactedException(string text) : Exception(text)
    {
        public override string ToString() => Message;
    }
}
