namespace Emx2Hpc.Core.Staging;

/// <summary>Worker-side staging policy (config section <c>staging</c>).</summary>
public sealed record StagingOptions
{
    /// <summary>Default of <see cref="MaxPosixCopyBytes"/>: 10 GiB.</summary>
    public const long DefaultMaxPosixCopyBytes = 10L << 30;

    /// <summary>Absolute directories a posix input may live in (<c>staging.allowed_posix_roots</c>). Empty
    /// refuses every posix input: linking arbitrary cluster paths into a job is what the reference daemon
    /// allowed and what this worker must not.</summary>
    public IReadOnlyList<string> AllowedPosixRoots { get; init; } = [];

    /// <summary>Most bytes of posix input files one job may have copied into its directory when a hard link of them is
    /// not possible (<c>staging.max_posix_copy_bytes</c>; 0 = never copy). Over it the input is refused.</summary>
    public long MaxPosixCopyBytes { get; init; } = DefaultMaxPosixCopyBytes;

    internal IInodeLinker Linker { get; init; } = HardLinker.Instance;
}
