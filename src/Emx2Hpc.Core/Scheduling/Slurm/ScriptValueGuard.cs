namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Checks applied to values before they are placed in a batch script. #SBATCH lines are not parsed by a
/// shell: sbatch splits them on whitespace, treats quotes and backslashes its own way and ends an option at '#',
/// so directive values are restricted to plain tokens instead of being quoted. Shell-level values are quoted by
/// <see cref="PosixShell"/> and only need to be free of NUL. Every failure names the offending field.</summary>
internal static class ScriptValueGuard
{
    public static void NoNul(string value, string field)
    {
        if (value.Contains('\0')) throw Reject(field, "contains a NUL character");
    }

    /// <summary>A value that appears on an #SBATCH line as one token.</summary>
    public static void DirectiveToken(string value, string field)
    {
        if (value.Length == 0) throw Reject(field, "is empty");
        CheckDirectiveCharacters(value, field, allowBlanks: false);
    }

    /// <summary>A job directory: an absolute plain token without '%' (sbatch expands %-patterns in file names; the
    /// only pattern we use is our own %j). With <paramref name="bindable"/> also without ':' and ',', which
    /// separate entries in an apptainer --bind list.</summary>
    public static void DirectoryPath(string value, string field, bool bindable)
    {
        DirectiveToken(value, field);
        if (!value.StartsWith('/')) throw Reject(field, $"must be an absolute path (got '{EnvironmentVariableName.Printable(value)}')");
        if (value.Contains('%')) throw Reject(field, "contains '%', which sbatch would expand as a file name pattern");
        if (bindable && (value.Contains(':') || value.Contains(',')))
            throw Reject(field, "contains ':' or ',', which apptainer --bind uses as separators");
    }

    /// <summary>A whole extra #SBATCH line from the profile: options may be separated by spaces, but the line must
    /// stay one line and free of characters sbatch treats specially.</summary>
    public static void DirectiveLine(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Reject(field, "is empty");
        CheckDirectiveCharacters(value, field, allowBlanks: true);
        if (!value.TrimStart().StartsWith('-')) throw Reject(field, $"must be an sbatch option starting with '-' (got '{value}')");
    }

    private static void CheckDirectiveCharacters(string value, string field, bool allowBlanks)
    {
        foreach (var c in value)
        {
            if (c is '\n' or '\r' or '\0') throw Reject(field, "contains a line break or NUL");
            if (allowBlanks && c is ' ' or '\t') continue;
            if (char.IsControl(c) || char.IsWhiteSpace(c)) throw Reject(field, "contains whitespace or a control character");
            if (c is '\'' or '"' or '\\' or '`' or '#')
                throw Reject(field, $"contains '{c}', which #SBATCH lines do not pass through unchanged");
        }
    }

    /// <summary>Linux's MAX_ARG_STRLEN: the longest single argument or NAME=value environment entry exec() accepts,
    /// including its terminating NUL.</summary>
    public const int MaxExecStringBytes = 128 * 1024;

    /// <summary>Budget for everything a job adds to argv and the environment together. exec() fails with E2BIG
    /// beyond ARG_MAX (a quarter of the stack limit, usually 2 MiB, shared with the node's own environment).</summary>
    public const int MaxExecTotalBytes = 1024 * 1024;

    /// <summary>Bytes <paramref name="value"/> takes in an exec() argument vector; throws when one string is too big
    /// for the kernel (the job would otherwise fail on the node with "Argument list too long").</summary>
    public static int ExecString(string value, string field)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(value) + 1;
        if (bytes > MaxExecStringBytes)
            throw Reject(field, $"is {bytes - 1} bytes; Linux cannot pass one argument or environment entry over {MaxExecStringBytes / 1024} KiB to a program");
        return bytes;
    }

    public static JobRejectedException Reject(string field, string problem) => new($"{field}: {problem}");
}
