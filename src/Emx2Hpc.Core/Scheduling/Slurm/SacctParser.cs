namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Parses <c>sacct -P -n -o JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,JobName</c>
/// (parsable2: '|'-separated, no trailing '|'). As with squeue the name is last and absorbs any extra '|'.
/// Step rows ("123.batch") are returned as printed; callers ignore them when a job-level row exists.</summary>
public static class SacctParser
{
    /// <summary>The -o field list these rows are parsed from.</summary>
    public const string Fields = "JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,JobName";
    private const int Columns = 8;

    /// <exception cref="FormatException">a non-blank line has fewer columns than the field list.</exception>
    public static IReadOnlyList<SlurmJobRow> Parse(string text)
    {
        var rows = new List<SlurmJobRow>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Trim().Length == 0) continue;
            var f = trimmed.Split('|');
            if (f.Length < Columns) throw new FormatException($"sacct line has {f.Length} of {Columns} columns: '{trimmed}'");
            rows.Add(new SlurmJobRow(
                JobId: f[0].Trim(), State: f[1].Trim(), ExitCode: SlurmJobRow.Field(f[2]), Reason: SlurmJobRow.Field(f[3]),
                Node: SlurmJobRow.Field(f[4]), Elapsed: SlurmJobRow.Field(f[5]), Comment: SlurmJobRow.Field(f[6]),
                Name: SlurmJobRow.Field(string.Join('|', f[7..]))));
        }
        return rows;
    }
}
