namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Parses <c>squeue -h -o %i|%T|%r|%N|%M|%k|%j</c> (the name last, see <see cref="PipeSeparatedLines"/>).
/// squeue has no exit code column, so live rows carry none.</summary>
public static class SqueueParser
{
    /// <summary>The -o format string these rows are parsed from.</summary>
    public const string Format = "%i|%T|%r|%N|%M|%k|%j";

    /// <exception cref="FormatException">a non-blank line has fewer columns than the format prints.</exception>
    public static IReadOnlyList<SlurmJobRow> Parse(string text) =>
        PipeSeparatedLines.Split(text, 7, "squeue")
            .Select(f => new SlurmJobRow(
                JobId: f[0].Trim(), State: f[1].Trim(), ExitCode: null, Reason: SlurmJobRow.Field(f[2]),
                Node: SlurmJobRow.Field(f[3]), Elapsed: SlurmJobRow.Field(f[4]), Comment: SlurmJobRow.Field(f[5]),
                Name: SlurmJobRow.Field(f[6])))
            .ToList();
}
