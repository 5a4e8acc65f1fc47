namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Parses <c>squeue -h -o %i|%T|%r|%N|%M|%k|%j</c>. The job name comes last because it is the one
/// free-text field Slurm users commonly put '|' into; everything after the comment column is the name. Our own
/// comment and name never contain '|', so our jobs always parse exactly.</summary>
public static class SqueueParser
{
    /// <summary>The -o format string these rows are parsed from.</summary>
    public const string Format = "%i|%T|%r|%N|%M|%k|%j";
    private const int Columns = 7;

    /// <exception cref="FormatException">a non-blank line has fewer columns than the format prints.</exception>
    public static IReadOnlyList<SlurmJobRow> Parse(string text)
    {
        var rows = new List<SlurmJobRow>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Trim().Length == 0) continue;
            var f = trimmed.Split('|');
            if (f.Length < Columns) throw new FormatException($"squeue line has {f.Length} of {Columns} columns: '{trimmed}'");
            rows.Add(new SlurmJobRow(
                JobId: f[0].Trim(), State: f[1].Trim(), ExitCode: null, Reason: SlurmJobRow.Field(f[2]),
                Node: SlurmJobRow.Field(f[3]), Elapsed: SlurmJobRow.Field(f[4]), Comment: SlurmJobRow.Field(f[5]),
                Name: SlurmJobRow.Field(string.Join('|', f[6..]))));
        }
        return rows;
    }
}
