namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Splits '|'-separated Slurm output into fields. Slurm does not escape '|' inside values, so the last
/// column (always the job name in our formats) absorbs any extra separators: a name is the one free-text field
/// users commonly put '|' into, and our own tags never contain one.</summary>
internal static class PipeSeparatedLines
{
    /// <exception cref="FormatException">a non-blank line has fewer than <paramref name="columns"/> fields.</exception>
    public static IEnumerable<string[]> Split(string text, int columns, string command)
    {
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Trim().Length == 0) continue;
            var fields = trimmed.Split('|');
            if (fields.Length < columns) throw new FormatException($"{command} line has {fields.Length} of {columns} columns: '{trimmed}'");
            if (fields.Length > columns) fields = [.. fields[..(columns - 1)], string.Join('|', fields[(columns - 1)..])];
            yield return fields;
        }
    }
}
