namespace Emx2Hpc.Core.Scheduling;

/// <summary>How an EMX2 job is recognised inside the scheduler: the job name carries the full EMX2 job id
/// (the Python daemon used 8 characters) and the comment repeats it with a product prefix. Job ids are
/// validated UUIDs before they get here, so both strings are safe in a batch script.</summary>
public static class JobTag
{
    public const string NamePrefix = "emx2-";
    public const string CommentPrefix = "emx2hpc:";

    /// <summary>How many characters of the EMX2 job id the Python emx2-hpc-daemon put in its job names.</summary>
    public const int LegacyPrefixLength = 8;

    public static string JobName(string emx2JobId) => NamePrefix + emx2JobId;

    /// <summary>The job name the Python emx2-hpc-daemon gave a job: "emx2-" and the first 8 characters of its id.</summary>
    public static string LegacyJobName(string emx2JobId) => NamePrefix + emx2JobId[..LegacyPrefixLength];

    /// <summary>The 8-character id prefix from a job name the Python emx2-hpc-daemon gave (exactly "emx2-" and 8
    /// hex digits), or null. It names no job by itself: a takeover matches it against the EMX2 jobs this worker
    /// holds (see Cycle/LegacyJobMatcher).</summary>
    public static string? TryParseLegacyName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var value = name.Trim();
        if (value.Length != NamePrefix.Length + LegacyPrefixLength || !value.StartsWith(NamePrefix, StringComparison.Ordinal)) return null;
        var prefix = value[NamePrefix.Length..];
        return prefix.All(char.IsAsciiHexDigit) ? prefix.ToLowerInvariant() : null;
    }
    public static string Comment(string emx2JobId) => CommentPrefix + emx2JobId;

    /// <summary>Extracts the EMX2 job id from a scheduler job name or comment, or null if it is not ours.</summary>
    public static string? TryParse(string? nameOrComment)
    {
        if (string.IsNullOrWhiteSpace(nameOrComment)) return null;
        var value = nameOrComment.Trim();
        string? id = value.StartsWith(CommentPrefix, StringComparison.Ordinal) ? value[CommentPrefix.Length..]
            : value.StartsWith(NamePrefix, StringComparison.Ordinal) ? value[NamePrefix.Length..]
            : null;
        return id is not null && Guid.TryParseExact(id, "D", out _) ? id : null;
    }
}
