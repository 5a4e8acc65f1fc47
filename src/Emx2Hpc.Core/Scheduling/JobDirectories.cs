using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Scheduling;

/// <summary>A job's workspace under the jobs root: Root/input|output|work plus the batch script. Only paths; the
/// cycle creates the directories exclusively through <see cref="JobWorkspace"/>, and everything that reads what a
/// job wrote opens it by descriptor from <see cref="Root"/>.</summary>
public sealed record JobDirectories(string Root, string Input, string Output, string Work)
{
    public const string ScriptName = "job.sbatch";

    public string ScriptPath => Path.Combine(Root, ScriptName);

    public static JobDirectories For(string jobsRoot, string emx2JobId)
    {
        var root = Path.Combine(jobsRoot, emx2JobId);
        return new JobDirectories(root, Path.Combine(root, "input"), Path.Combine(root, "output"), Path.Combine(root, "work"));
    }

    /// <summary>Creates the directories owner-only if missing (tests, the simulated scheduler). Not exclusive: the
    /// cycle uses <see cref="JobWorkspace.Create"/>.</summary>
    public void Create()
    {
        PrivateFiles.CreateDirectory(Input);
        PrivateFiles.CreateDirectory(Output);
        PrivateFiles.CreateDirectory(Work);
    }
}
