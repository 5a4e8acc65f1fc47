namespace Emx2Hpc.Core.Scheduling;

/// <summary>How an EMX2 job is recognised inside the scheduler: the job name carries the full EMX2 job id
/// (the Python daemon used 8 characters) and the comment repeats it with a product prefix. Job ids are
/// validated UUIDs before they get here, so both strings are safe in a batch script.</summary>
public static class JobTag
{
    public const string NamePrefix = "emx2-";
    public const string CommentPrefix = "emx2hpc:";

    public static string JobName(string emx2JobId) => NamePrefix + emx2JobId;
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
