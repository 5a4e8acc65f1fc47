namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>A job id as squeue/sacct print it: "123", array tasks "123_4" or pending ranges "123_[1-5]",
/// heterogeneous components "123+0", steps "123.batch" / "123_4.0". <see cref="BaseId"/> is what sbatch returned.</summary>
public readonly record struct SlurmJobId(string Raw, string BaseId, string? Step)
{
    public bool IsStep => Step is not null;

    public static SlurmJobId Parse(string raw)
    {
        var text = raw.Trim();
        var dot = text.IndexOf('.');
        var job = dot < 0 ? text : text[..dot];
        var step = dot < 0 ? null : text[(dot + 1)..];
        var end = job.IndexOfAny(['_', '+']);
        return new SlurmJobId(text, end < 0 ? job : job[..end], step);
    }

    /// <summary>True for ids we can ask about: a plain job id, optionally with an array task ("123_4").</summary>
    public static bool IsQueryable(string id)
    {
        var parts = id.Split('_');
        return parts.Length is 1 or 2 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
    }

    /// <summary>Whether this printed row belongs to the requested id: a plain id matches all its array tasks and
    /// components; an array-task id matches only itself.</summary>
    public bool BelongsTo(string requestedId) =>
        requestedId.Contains('_') ? Raw.Split('.')[0] == requestedId : BaseId == requestedId;
}
