using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>apptainer</c> section. Despite its name, <see cref="TmpDir"/> is the root of every per-job
/// directory in both execution modes (kept for compatibility with the Python daemon's key); it must be visible
/// to compute nodes because Slurm writes job logs there.</summary>
public sealed record ApptainerSettings
{
    /// <summary>"jobs" next to the state database: owned by the service account and private like it, unlike a
    /// shared /tmp where another local user can create the directory first.</summary>
    public static string DefaultJobsRoot(string stateDb) => Path.Combine(Path.GetDirectoryName(stateDb)!, "jobs");

    /// <summary><c>src[:dst[:opts]]</c> entries passed to <c>apptainer --bind</c>, validated (absolute src, no commas).</summary>
    public IReadOnlyList<string> BindPaths { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>The jobs root. Loaded configs default to <see cref="DefaultJobsRoot"/> of their state database.</summary>
    public string TmpDir { get; init; } = DefaultJobsRoot(WorkerSettings.DefaultStateDbPath(Emx2Settings.DefaultWorkerId));
}
