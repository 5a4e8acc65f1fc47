using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Where a job lives and what it may do: its directories under the configured jobs root and the profile
/// that governs it. Every cycle step asks here, so the answer cannot differ between staging, submission,
/// progress, collection and takeover.
/// The directories are derived from the configured jobs root (apptainer.tmp_dir), never from the WorkDir stored
/// with the row: the workspace guards (exclusive creation, removal, the jobs-root check) open paths relative to the
/// configured root, and a second, stored notion of "the job's directory" could drift from it when the setting
/// changes. WorkDir records, for operators, where the job was placed when it was first tracked.</summary>
public sealed class JobPlacement(HpcConfig config)
{
    /// <summary>The jobs root (apptainer.tmp_dir).</summary>
    public string JobsRoot => config.Apptainer.TmpDir;

    public JobDirectories Directories(string jobId) => JobDirectories.For(JobsRoot, jobId);

    public JobDirectories Directories(TrackedJob job) => Directories(job.JobId);

    /// <summary>The profile configured for the job's processor and profile (a job without one asks for "default");
    /// null when this configuration has none, so the job cannot run here.</summary>
    public ProfileConfig? Profile(TrackedJob job) => config.FindProfile(job.Processor ?? "", job.Profile);

    public ProfileConfig? Profile(JobDto job) => config.FindProfile(job.Processor ?? "", job.Profile);

    /// <summary>"processor:profile" as messages name it.</summary>
    public static string ProfileKey(string? processor, string? profile) => $"{processor}:{profile ?? ProfileConfig.DefaultProfileName}";
}
