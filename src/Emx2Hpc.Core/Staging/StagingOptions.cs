namespace Emx2Hpc.Core.Staging;

/// <summary>Worker-side staging policy (config section <c>staging</c>).</summary>
public sealed record StagingOptions
{
    /// <summary>Absolute directories a posix input may live in (<c>staging.allowed_posix_roots</c>). Empty
    /// refuses every posix input: linking arbitrary cluster paths into a job is what the reference daemon
    /// allowed and what this worker must not.</summary>
    public IReadOnlyList<string> AllowedPosixRoots { get; init; } = [];
}
