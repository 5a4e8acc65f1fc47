namespace Emx2Hpc.Core.Scheduling.Processes;

/// <summary>One external command: an executable and its argument vector, never a shell line. Arguments reach
/// the program exactly as given, so job data in them cannot be re-interpreted.</summary>
public sealed record ProcessCommand(string FileName, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>Working directory of the child; null keeps the caller's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>"squeue -h -u alice …" for logs and test assertions; not meant to be pasted into a shell.</summary>
    public override string ToString() => Arguments.Count == 0 ? FileName : FileName + " " + string.Join(' ', Arguments);
}
