namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>POSIX single-quote quoting: inside '…' no character is special, so the only thing to handle is the
/// quote itself, written as '\'' (close, escaped quote, reopen). Every job- or config-derived value in a batch
/// script goes through <see cref="Quote"/>; NUL cannot be represented in a shell word and is refused.</summary>
public static class PosixShell
{
    public static string Quote(string value)
    {
        if (value.Contains('\0')) throw new ArgumentException("a shell word cannot contain NUL", nameof(value));
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>"export NAME='value'"; the caller has validated the name.</summary>
    public static string Export(string name, string value) => $"export {name}={Quote(value)}";

    /// <summary>Quotes each word and joins them with spaces.</summary>
    public static string QuoteAll(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));
}
