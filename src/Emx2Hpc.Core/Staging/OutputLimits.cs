namespace Emx2Hpc.Core.Staging;

/// <summary>How much a job may leave in output/ (config <c>staging.max_output_bytes</c> /
/// <c>staging.max_output_files</c>, overridable per profile). Sizes are logical: a sparse file counts in full,
/// because that is what hashing and uploading it costs. Exceeding a limit fails the job with the reason; the log
/// artifact (each log file at most <see cref="MaxBytes"/>) is still uploaded.</summary>
public sealed record OutputLimits
{
    public const long DefaultMaxBytes = 100L * 1024 * 1024 * 1024; // 100 GiB
    public const int DefaultMaxFiles = 10_000;

    /// <summary>Deeper trees cannot be meaningful results and cost a descriptor per level while walked.</summary>
    public const int MaxDepth = 64;

    public long MaxBytes { get; init; } = DefaultMaxBytes;
    /// <summary>Files and directories together (a million empty directories cost as much to walk as files).</summary>
    public int MaxFiles { get; init; } = DefaultMaxFiles;

    public static readonly OutputLimits Default = new();
}
