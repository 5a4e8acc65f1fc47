using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>Base of every scenario class: the shared environment, a fresh <see cref="DaemonDriver"/> per test, and
/// assertions that read the same on both sides (EMX2 through the emulator, Slurm through sacct/squeue).</summary>
[Collection(E2ECollection.Name)]
public abstract class E2ETest(E2EEnvironment env, ITestOutputHelper output)
{
    /// <summary>Long enough for a short job on a cluster whose two CPUs other users share too.</summary>
    protected static readonly TimeSpan ShortJob = TimeSpan.FromMinutes(3);

    protected E2EEnvironment Env { get; } = env;
    protected DaemonDriver Daemon { get; } = new(env, output);
    protected SlurmProbe Slurm => Env.Slurm;
    protected ITestOutputHelper Output { get; } = output;

    protected Task ScenarioAsync(Func<Task> body) => Daemon.RunAsync(body);

    protected static readonly string[] Terminal = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled];

    /// <summary>Drives a job to a terminal status and asserts it is <paramref name="expected"/>.</summary>
    protected async Task<JobDto> RunToEndAsync(string jobId, string expected, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var job = await Daemon.DriveJobUntilAsync(jobId, timeout ?? ShortJob, environment, Terminal);
        Assert.True(job.Status == expected, $"expected {expected}; {Daemon.Describe(jobId)}");
        return job;
    }

    /// <summary>The job's statuses in order of its transitions, with repeats (progress reports) collapsed.</summary>
    protected IReadOnlyList<string> StatusPath(string jobId)
    {
        var path = new List<string>();
        foreach (var t in Env.Transitions(jobId))
            if (path.Count == 0 || path[^1] != t.ToStatus) path.Add(t.ToStatus);
        return path;
    }

    protected string SlurmIdOf(string jobId) =>
        Env.Job(jobId).SlurmJobId ?? throw new Xunit.Sdk.XunitException($"job {jobId} has no Slurm job id; {Daemon.Describe(jobId)}");

    /// <summary>Waits until squeue no longer shows the job as running (gone, or on its way out).</summary>
    protected async Task AssertLeavesTheQueueAsync(string slurmId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? state;
        while ((state = await Slurm.SqueueStateAsync(slurmId)) is "RUNNING" or "PENDING" or "CONFIGURING")
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Slurm job {slurmId} is still {state} after {timeout.TotalSeconds:0}s");
            await Task.Delay(1000);
        }
    }

    /// <summary>Waits for the job's final accounting record (sacct -X) and asserts its state and its tag: the job
    /// name carries the full EMX2 job id. Returns the row.</summary>
    protected async Task<SacctRow> AssertAccountedAsync(string jobId, string state)
    {
        var slurmId = SlurmIdOf(jobId);
        // slurmdbd may show a first, incomplete record (named "allocation") for a moment: wait for the final one.
        return await Slurm.WaitForSacctAsync(slurmId, r => r.BaseState == state && r.JobName == $"emx2-{jobId}", TimeSpan.FromSeconds(60));
    }

    /// <summary>The artifact file list as EMX2 has it: path → (sha256, size).</summary>
    protected IReadOnlyDictionary<string, ArtifactFileDto> FilesOf(string artifactId) =>
        Env.Emulator.ListFiles(artifactId).ToDictionary(f => f.Path, StringComparer.Ordinal);
}
