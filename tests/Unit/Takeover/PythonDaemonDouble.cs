using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;
using Emx2Hpc.Tests.Unit.Cycle;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>Plays the Python emx2-hpc-daemon against a <see cref="CycleHarness"/>: same worker id and secret, claims
/// and reports through EMX2's API, submits to the simulated cluster the way it did (job name "emx2-" + 8
/// characters, no comment tag) into its own jobs root, and can stop at any point of its submit path.</summary>
public sealed class PythonDaemonDouble : IDisposable
{
    private readonly CycleHarness _h;
    private readonly Emx2Client _client;

    public PythonDaemonDouble(CycleHarness h, string? jobsRoot = null)
    {
        _h = h;
        JobsRoot = jobsRoot ?? h.Config.Apptainer.TmpDir;
        // The admin's step before the switch (docs/migration.md): the jobs root is the service account's and private.
        // Our worker refuses to stage under a root others can write or read.
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(JobsRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(JobsRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _client = h.NewWorkerClient();
    }

    /// <summary>The Python daemon's apptainer.tmp_dir.</summary>
    public string JobsRoot { get; }

    public JobDirectories Dirs(string jobId) => JobDirectories.For(JobsRoot, jobId);

    public Task RegisterAsync() => _client.RegisterWorkerAsync(new RegisterWorkerRequest
    {
        WorkerId = CycleHarness.WorkerId,
        Capabilities = [new CapabilityDto { Processor = CycleHarness.Processor, Profile = CycleHarness.Profile }],
    });

    public Task<JobDto> ClaimAsync(string jobId) => _client.ClaimAsync(jobId);

    /// <summary>sbatch as the Python daemon ran it; returns the Slurm job id. Nothing is reported to EMX2.</summary>
    public Task<string> SbatchAsync(string jobId, int steps = 1, string outcome = "complete")
    {
        var dirs = Dirs(jobId);
        return _h.Simulated.SubmitAsPythonDaemonAsync(new BatchJobSpec
        {
            Emx2JobId = jobId,
            Directories = dirs,
            Execution = new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = "/bin/sh" },
            Resources = new ResourceSpec { Partition = "normal", Cpus = 1, Memory = "1G", Time = "00:10:00" },
            ParametersJson = $"{{\"simulate\":{{\"steps\":{steps},\"outcome\":\"{outcome}\"}}}}",
        }, default);
    }

    public Task<JobDto> ReportAsync(string jobId, string status, string? slurmJobId = null, string? detail = null) =>
        _client.TransitionAsync(jobId, new TransitionRequest { Status = status, SlurmJobId = slurmJobId, Detail = detail ?? $"Slurm job {slurmJobId}" });

    /// <summary>Claim, sbatch and the SUBMITTED report: the normal path up to where the job waits in Slurm.</summary>
    public async Task<string> ClaimAndSubmitAsync(string jobId, bool report = true, int steps = 1)
    {
        await ClaimAsync(jobId);
        var slurmId = await SbatchAsync(jobId, steps);
        if (report) await ReportAsync(jobId, JobStatus.Submitted, slurmId);
        return slurmId;
    }

    /// <summary>Uploads and commits the job's log or output artifact from its output directory, as the Python daemon's
    /// completion did before recording the id; returns the artifact id.</summary>
    public async Task<string> PublishAsync(string jobId, ArtifactRole role)
    {
        var collected = OutputCollector.Collect(Dirs(jobId));
        var files = role == ArtifactRole.Log ? collected.Logs : collected.Outputs;
        var created = await _client.CreateArtifactAsync(new CreateArtifactRequest
        {
            Name = $"{(role == ArtifactRole.Log ? "log" : "output")}-{jobId[..8]}", Type = role == ArtifactRole.Log ? "log" : "blob",
            Residence = ArtifactResidence.Managed,
            Metadata = System.Text.Json.JsonSerializer.SerializeToElement(new { job_id = jobId, artifact_role = role == ArtifactRole.Log ? "log" : "output" }),
        });
        foreach (var f in files) await _client.UploadFileAsync(created.Id, f.RelativePath, f.FullPath, f.Sha256, f.Size, f.ContentType);
        await _client.CommitArtifactAsync(created.Id, new CommitRequest { Sha256 = TreeHash.Compute(files.Select(f => (f.RelativePath, f.Sha256))), SizeBytes = files.Sum(f => f.Size) });
        return created.Id;
    }

    public Task<JobDto> CompleteAsync(string jobId, string status, string? outputId, string? logId) =>
        _client.CompleteAsync(jobId, new TransitionRequest { Status = status, OutputArtifactId = outputId, LogArtifactId = logId, Detail = "python daemon" });

    public void Dispose() => _client.Dispose();
}
