using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 2: a host-entrypoint job runs on Slurm and its outputs and logs come back as artifacts.</summary>
public sealed class HappyPathTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Host_job_completes_with_committed_output_and_log_artifacts() => ScenarioAsync(async () =>
    {
        var job = await Env.CreateJobAsync("bash", parameters: new { args = new[] { "alpha", "beta" } });

        job = await RunToEndAsync(job.Id, JobStatus.Completed);

        Assert.Equal(["PENDING", "CLAIMED", "SUBMITTED", "STARTED", "COMPLETED"], StatusPath(job.Id));
        var slurmId = SlurmIdOf(job.Id);

        // EMX2: the output artifact is committed, managed, and holds exactly what the script wrote.
        Assert.NotNull(job.OutputArtifactId);
        var outputArtifact = Env.Artifact(job.OutputArtifactId!);
        Assert.Equal(ArtifactStatus.Committed, outputArtifact.Status);
        Assert.Equal("managed", outputArtifact.Residence);
        Assert.Equal(["args.nul", "env.nul", "greeting.txt"], FilesOf(outputArtifact.Id).Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"hello from {job.Id}\n", await Env.DownloadTextAsync(outputArtifact.Id, "greeting.txt"));
        Assert.Equal("alpha\0beta\0", await Env.DownloadTextAsync(outputArtifact.Id, "args.nul"));

        // EMX2: the log artifact has Slurm's stdout and stderr files, byte for byte what is on disk.
        Assert.NotNull(job.LogArtifactId);
        var logArtifact = Env.Artifact(job.LogArtifactId!);
        Assert.Equal(ArtifactStatus.Committed, logArtifact.Status);
        // ... plus the worker's usage.json (usage accounting from sacct, see UsageTests).
        Assert.Equal([$"slurm-{slurmId}.err", $"slurm-{slurmId}.out", "usage.json"], FilesOf(logArtifact.Id).Keys.Order(StringComparer.Ordinal));
        var stdout = await Env.DownloadAsync(logArtifact.Id, $"slurm-{slurmId}.out");
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Env.JobDir(job.Id), "output", $"slurm-{slurmId}.out")), stdout);
        Assert.Contains($"e2e_job: stdout line for job {job.Id}", Encoding.UTF8.GetString(stdout));
        Assert.Contains($"e2e_job: stderr line for job {job.Id}", await Env.DownloadTextAsync(logArtifact.Id, $"slurm-{slurmId}.err"));

        // Slurm: accounting shows the job completed, under a name carrying the full EMX2 job id.
        var row = await AssertAccountedAsync(job.Id, "COMPLETED");
        Assert.Equal("COMPLETED", row.State);
        Assert.Equal("0:0", row.ExitCode);
        Assert.Equal($"emx2hpc:{job.Id}", row.Comment);
    });
}
