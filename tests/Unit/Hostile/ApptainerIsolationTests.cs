using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Apptainer shares $HOME, /tmp and the current directory with the container unless told otherwise, so a
/// container saw every job's directory and the daemon's state. Apptainer cannot be installed here: the script's
/// apptainer command line is checked (the executed stand-in is in BatchScriptExecutionTests).</summary>
[Collection(HostileCollection.Name)]
public sealed class ApptainerIsolationTests
{
    private const string Area = "apptainer isolation";
    private const string JobId = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

    private static IReadOnlyList<string> ApptainerArgv(IReadOnlyList<string> bindPaths)
    {
        var spec = new BatchJobSpec
        {
            Emx2JobId = JobId,
            Directories = JobDirectories.For("/scratch/jobs", JobId),
            Execution = new ExecutionSpec { Mode = ExecutionMode.Apptainer, SifImage = "/images/a.sif", ContainerEntrypoint = "/run", BindPaths = bindPaths },
            Resources = new ResourceSpec { Cpus = 1 },
        };
        var line = BatchScriptBuilder.Build(spec).Split('\n').Single(l => l.StartsWith("apptainer ", StringComparison.Ordinal));
        // Every word of the command is single-quoted; read them back (no word here contains a quote).
        return line.Split('\'').Where((_, i) => i % 2 == 1).ToList();
    }

    [Fact]
    public void Container_gets_no_default_binds_and_a_clean_environment() => HostileLedger.Run(Area, "default binds ($HOME, /tmp, cwd) and host environment", () =>
    {
        var argv = ApptainerArgv([]);
        var options = argv.TakeWhile(a => a != "--bind").ToList();
        Assert.Equal(["exec", "--containall", "--cleanenv", "--no-home", "--no-mount", "cwd"], options);
        return Verdict.Contained;
    });

    [Fact]
    public void Only_the_jobs_own_directories_and_configured_bind_paths_are_mounted() => HostileLedger.Run(Area, "mounts other than the job's own", () =>
    {
        var argv = ApptainerArgv(["/shared/reference:/reference:ro"]);
        var binds = argv[argv.ToList().IndexOf("--bind") + 1].Split(',');
        Assert.Equal([
            $"/scratch/jobs/{JobId}/input:/input:ro", $"/scratch/jobs/{JobId}/output:/output", $"/scratch/jobs/{JobId}/work:/work",
            "/shared/reference:/reference:ro"], binds);
        Assert.Single(argv, "--bind");
        Assert.DoesNotContain("/scratch/jobs:", string.Join(' ', argv)); // never the jobs root (other jobs)
        return Verdict.Contained;
    });
}
