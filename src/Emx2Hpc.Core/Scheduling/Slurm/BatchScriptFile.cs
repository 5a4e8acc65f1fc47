using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Scheduling.Slurm;

/// <summary>Writes job.sbatch owner-only (0700: it names paths and carries job parameters), exclusively and without
/// following links, in the job directory only the service account can write (see <see cref="JobWorkspace.WriteScript"/>).</summary>
internal static class BatchScriptFile
{
    public static void Write(JobDirectories dirs, string script) => JobWorkspace.WriteScript(dirs, script);
}
