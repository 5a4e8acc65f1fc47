namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Parses <c>sacct -P -n -o JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,JobName</c>
/// (parsable2: '|'-separated, no trailing '|'; the name last, see <see cref="PipeSeparatedLines"/>).
/// Step rows ("123.batch") are returned as printed; callers ignore them.</summary>
public static class SacctParser
{
    /// <summary>The -o field list these rows are parsed from.</summary>
    public const string Fields = "JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,JobName";

    /// <exception cref="FormatException">a non-blank line has fewer columns than the field list.</exception>
    public static IReadOnlyList<SlurmJobRow> Parse(string text) =>
        PipeSeparatedLines.Split(text, 8, "sacct")
            .Select(f => new SlurmJobRow(
                JobId: f[0].Trim(), State: f[1].Trim(), ExitCode: SlurmJobRow.Field(f[2]), Reason: SlurmJobRow.Field(f[3]),
                Node: SlurmJobRow.Field(f[4]), Elapsed: SlurmJobRow.Field(f[5]), Comment: SlurmJobRow.Field(f[6]),
                Name: SlurmJobRow.Field(f[7])))
            .ToList();

    /// <summary>The field list of the monitor's one sacct call per cycle (<see cref="SlurmCli.QueryAsync"/>, run without
    /// -X so step rows carry MaxRSS): the status fields plus the usage accounting, the name still last.</summary>
    public const string UsageFields = "JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,TotalCPU,AllocTRES,MaxRSS,JobName";

    /// <exception cref="FormatException">a non-blank line has fewer columns than <see cref="UsageFields"/>.</exception>
    public static IReadOnlyList<SlurmJobRow> ParseWithUsage(string text) =>
        PipeSeparatedLines.Split(text, 11, "sacct")
            .Select(f => new SlurmJobRow(
                JobId: f[0].Trim(), State: f[1].Trim(), ExitCode: SlurmJobRow.Field(f[2]), Reason: SlurmJobRow.Field(f[3]),
                Node: SlurmJobRow.Field(f[4]), Elapsed: SlurmJobRow.Field(f[5]), Comment: SlurmJobRow.Field(f[6]),
                Name: SlurmJobRow.Field(f[10]))
            {
                TotalCpu = SlurmJobRow.Field(f[7]), AllocTres = SlurmJobRow.Field(f[8]), MaxRss = SlurmJobRow.Field(f[9]),
            })
            .ToList();
}
