namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>One line of squeue or sacct output, fields as printed (null where the column was empty or
/// "(null)"). squeue has no exit code column, so <see cref="ExitCode"/> is null for live rows.</summary>
public sealed record SlurmJobRow(string JobId, string State, string? ExitCode, string? Reason, string? Node, string? Elapsed,
    string? Comment, string? Name)
{
    public SlurmJobId Id => SlurmJobId.Parse(JobId);

    /// <summary>Accounting columns of <see cref="SacctParser.UsageFields"/>; null in squeue rows and sacct's status format.</summary>
    public string? TotalCpu { get; init; }
    public string? AllocTres { get; init; }
    public string? MaxRss { get; init; }

    /// <summary>The EMX2 job id from our job-name tag, else from the comment tag (sacct records the comment only
    /// when the job ends, so the name is the one that is always there).</summary>
    public string? Emx2JobId => JobTag.TryParse(Name) ?? JobTag.TryParse(Comment);

    /// <summary>The id prefix when the Python emx2-hpc-daemon submitted this job (job name "emx2-" + 8 characters).</summary>
    public string? LegacyIdPrefix => Emx2JobId is null ? JobTag.TryParseLegacyName(Name) : null;

    internal static string? Field(string value) => value.Length == 0 || value == "(null)" ? null : value;
}
