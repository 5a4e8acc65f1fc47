namespace Emx2Hpc.Core.Staging;

/// <summary>Decides which output-directory files form the log artifact. Only files the scheduler or this worker
/// writes at the top level count: the reference daemon classified by "*.log"/"slurm-*" anywhere and so moved
/// users' own result files (logs/pipeline.log, result.log) out of the output artifact.</summary>
public static class OutputClassifier
{
    /// <summary>Exact top-level names of container-mode stdout/stderr captures.</summary>
    public static readonly IReadOnlyList<string> ContainerLogNames = ["container-stdout.log", "container-stderr.log"];

    private const string SlurmPrefix = "slurm-";

    /// <summary>True for <c>slurm-*.out</c>, <c>slurm-*.err</c>, <c>container-stdout.log</c> and
    /// <c>container-stderr.log</c> directly in the output directory.</summary>
    public static bool IsLog(string relativePath)
    {
        if (relativePath.Contains('/')) return false;
        if (ContainerLogNames.Contains(relativePath, StringComparer.Ordinal)) return true;
        return relativePath.StartsWith(SlurmPrefix, StringComparison.Ordinal)
               && (relativePath.EndsWith(".out", StringComparison.Ordinal) || relativePath.EndsWith(".err", StringComparison.Ordinal))
               && relativePath.Length > SlurmPrefix.Length + ".out".Length; // "slurm-.out" has no job id
    }
}
