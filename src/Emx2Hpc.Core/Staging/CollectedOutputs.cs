using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Staging;

/// <summary>The job's output directory split into the output artifact's files and the log artifact's files, both
/// ordered by relative path (ordinal), plus a human-readable line per entry that was deliberately not uploaded.</summary>
public sealed record CollectedOutputs(IReadOnlyList<OutputFile> Outputs, IReadOnlyList<OutputFile> Logs, IReadOnlyList<string> Skipped)
{
    /// <summary>What the server will compute at commit for the outputs (null when there are none).</summary>
    public string? OutputsTreeHash => TreeHashOf(Outputs);
    public long OutputsSize => Outputs.Sum(f => f.Size);

    public string? LogsTreeHash => TreeHashOf(Logs);
    public long LogsSize => Logs.Sum(f => f.Size);

    public static string? TreeHashOf(IEnumerable<OutputFile> files) =>
        TreeHash.Compute(files.Select(f => (f.RelativePath, f.Sha256)));
}
