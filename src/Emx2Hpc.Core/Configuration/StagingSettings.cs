using System.Collections.Immutable;

namespace Emx2Hpc.Core.Configuration;

/// <summary>The <c>staging</c> section. Posix inputs are staged as private views of hard links or copies, so only paths
/// under an allowed root may be staged (the Python daemon linked any readable path); posix-residence results are kept
/// under a durable root, apart from job directories, because EMX2 keeps pointing at them.</summary>
public sealed record StagingSettings
{
    /// <summary>"posix-outputs" next to the state database, used when <c>staging.posix_output_root</c> is not set.</summary>
    public static string DefaultPosixOutputRoot(string stateDb) => Path.Combine(Path.GetDirectoryName(stateDb)!, "posix-outputs");

    /// <summary>Absolute, normalised, without trailing slash (except "/" itself). Empty means posix inputs are refused.</summary>
    public IReadOnlyList<string> AllowedPosixRoots { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Most bytes (logical sizes, sparse files in full) a job may leave in output/; a profile may override it.</summary>
    public long MaxOutputBytes { get; init; } = Staging.OutputLimits.DefaultMaxBytes;

    /// <summary>Most files and directories a job may leave in output/; a profile may override it.</summary>
    public int MaxOutputFiles { get; init; } = Staging.OutputLimits.DefaultMaxFiles;

    /// <summary>Most bytes of posix inputs one job may have copied (when they cannot be hard-linked); 0 = never copy.</summary>
    public long MaxPosixCopyBytes { get; init; } = Staging.StagingOptions.DefaultMaxPosixCopyBytes;

    /// <summary>Where posix-residence results are moved, as <c>&lt;root&gt;/&lt;job id&gt;/</c>, before EMX2 is given their
    /// file:// URL. Loaded configs default to <see cref="DefaultPosixOutputRoot"/> of their state database.</summary>
    public string PosixOutputRoot { get; init; } = DefaultPosixOutputRoot(WorkerSettings.DefaultStateDbPath(Emx2Settings.DefaultWorkerId));

    /// <summary>True when the config file set <see cref="PosixOutputRoot"/> (check warns about the private default).</summary>
    public bool PosixOutputRootConfigured { get; init; }

    /// <summary>Days a result stays under <see cref="PosixOutputRoot"/> after it was moved there; 0 keeps it forever
    /// (the default: EMX2 still points at it, so deleting it must be the administrator's explicit choice).</summary>
    public int PosixOutputRetentionDays { get; init; }
}
