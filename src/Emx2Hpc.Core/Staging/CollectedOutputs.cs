using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Staging;

/// <summary>The job's output directory split into the output artifact's files and the log artifact's files, both
/// ordered by relative path (ordinal), plus a human-readable line per entry that was not uploaded. Entries in
/// <see cref="Refused"/> (links, FIFOs, devices, sockets, hard links, limits exceeded) fail the job: a job that
/// leaves them has tried to get something it does not own uploaded, or produced more than its profile allows.
/// Holds the open descriptors of every file until disposed, because the upload streams from them.</summary>
public sealed record CollectedOutputs(IReadOnlyList<OutputFile> Outputs, IReadOnlyList<OutputFile> Logs, IReadOnlyList<string> Skipped)
    : IDisposable
{
    /// <summary>The subset of <see cref="Skipped"/> that must turn the job's outcome into FAILED.</summary>
    public IReadOnlyList<string> Refused { get; init; } = [];

    /// <summary>What the server will compute at commit for the outputs (null when there are none).</summary>
    public string? OutputsTreeHash => TreeHashOf(Outputs);
    public long OutputsSize => Outputs.Sum(f => f.Size);

    public string? LogsTreeHash => TreeHashOf(Logs);
    public long LogsSize => Logs.Sum(f => f.Size);

    public static string? TreeHashOf(IEnumerable<OutputFile> files) =>
        TreeHash.Compute(files.Select(f => (f.RelativePath, f.Sha256)));

    public void Dispose()
    {
        foreach (var file in Outputs.Concat(Logs)) file.Content?.Dispose();
    }
}
