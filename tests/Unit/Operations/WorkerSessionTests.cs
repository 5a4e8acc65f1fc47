using System.Text;
using System.Text.Json;
using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Emx2Hpc.Emulator;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Operations;

/// <summary>The facade every cmdlet calls, exercised against the emulator through a real config file — the
/// PowerShell layer itself cannot run here, so this is where its behaviour is proven.</summary>
public sealed class WorkerSessionTests : IAsyncLifetime
{
    private const string WorkerId = "session-worker";
    private const string Secret = "session-worker-secret-0123456789abcdefghijkl";
    private const string Token = "session-editor-token";
    private readonly string _root = Directory.CreateTempSubdirectory("emx2hpc-session-").FullName;
    private EmulatorServer _server = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = Secret;
        options.UserTokens[Token] = UserRole.Editor;
        _server = await EmulatorServer.StartAsync(options);
        var secretFile = Path.Combine(_root, "secret");
        File.WriteAllText(secretFile, Secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        _config = Path.Combine(_root, "config.yaml");
        File.WriteAllText(_config, $"""
            emx2:
              base_url: {_server.BaseUrl}
              worker_id: {WorkerId}
              worker_secret_file: secret
            worker:
              state_db: state/state.db
              instance_registry: state/instances
            profiles:
              "embed/gpu":
                host_entrypoint: /bin/sh
                cpus: 1
                memory: 1G
                time: "00:10:00"
            apptainer:
              tmp_dir: jobs
            staging:
              allowed_posix_roots: ["{Path.Combine(_root, "data")}"]
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private WorkerSession Open(string? token = null) =>
        WorkerSession.Open(new WorkerSessionOptions { ConfigPath = _config, Simulate = true, UserToken = token });

    [Fact]
    public async Task New_get_claim_and_submit_form_the_documented_pipeline()
    {
        using var user = Open(Token);
        var created = await user.NewJobAsync(new CreateJobRequest { Processor = "embed", Profile = "gpu" }, default);
        Assert.Equal(JobStatus.Pending, created.Status);

        using var worker = Open();
        var pending = await worker.GetJobsAsync(new JobFilter { Status = "pending" }, default); // case-insensitive for admins
        Assert.Equal([created.Id], pending.Select(j => j.Id));

        var claimed = await worker.ClaimJobAsync(created.Id, default);
        Assert.Equal(JobStatus.Claimed, claimed.Status);
        var tracked = await worker.SubmitJobAsync(claimed.Id, default);
        Assert.Equal(LocalPhase.Submitted, tracked.Phase);
        Assert.NotNull(tracked.SchedulerJobId);
        Assert.Equal(JobStatus.Submitted, _server.GetJob(created.Id)!.Status);
        Assert.Equal([created.Id], worker.GetTrackedJobs().Select(j => j.JobId));
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted],
            (await user.GetTransitionsAsync(created.Id, default)).Select(t => t.ToStatus));
    }

    [Fact]
    public async Task Submitting_a_job_this_worker_did_not_claim_is_refused()
    {
        using var user = Open(Token);
        var created = await user.NewJobAsync(new CreateJobRequest { Processor = "embed", Profile = "gpu" }, default);
        using var worker = Open();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.SubmitJobAsync(created.Id, default));
        Assert.Contains("not claimed by this worker", ex.Message);
    }

    [Fact]
    public async Task Claim_available_takes_at_most_the_requested_count_and_cancel_ends_a_job()
    {
        using var user = Open(Token);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await user.NewJobAsync(new CreateJobRequest { Processor = "embed", Profile = "gpu" }, default)).Id);
        using var worker = Open();
        var claimed = await worker.ClaimAvailableAsync(2, default);
        Assert.Equal(ids.Take(2), claimed.Select(j => j.Id));
        var cancelled = await user.CancelJobAsync(ids[2], default);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
    }

    [Fact]
    public async Task A_directory_sent_and_received_round_trips_byte_exact()
    {
        var source = Path.Combine(_root, "results");
        Directory.CreateDirectory(Path.Combine(source, "a", "b"));
        File.WriteAllText(Path.Combine(source, "top.csv"), "x,y\n1,2\n");
        File.WriteAllBytes(Path.Combine(source, "a", "b", "blob.bin"), Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        using var worker = Open();
        var reports = new List<TransferProgress>();
        var artifact = await worker.SendArtifactAsync(new SendArtifactRequest { Path = source, Name = "run-42" }, new Sync(reports.Add), default);

        Assert.Equal(ArtifactStatus.Committed, artifact.Status);
        Assert.Equal(TreeHash.Compute([("a/b/blob.bin", BodyHash.Of(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray())),
            ("top.csv", BodyHash.OfUtf8("x,y\n1,2\n"))]), artifact.Sha256);
        Assert.NotEmpty(reports);
        Assert.Equal(264, reports[^1].BytesTotal);

        var target = Path.Combine(_root, "received");
        var summary = await worker.ReceiveArtifactAsync(artifact.Id, target, null, default);
        Assert.Equal(2, summary.Files);
        Assert.Equal(264, summary.Bytes);
        Assert.Equal("x,y\n1,2\n", File.ReadAllText(Path.Combine(target, "top.csv")));
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)i), File.ReadAllBytes(Path.Combine(target, "a", "b", "blob.bin")));
    }

    [Fact]
    public async Task Receiving_into_an_existing_file_is_refused()
    {
        var file = Path.Combine(_root, "single.txt");
        File.WriteAllText(file, "hello");
        using var worker = Open();
        var artifact = await worker.SendArtifactAsync(new SendArtifactRequest { Path = file }, null, default);
        await Assert.ThrowsAsync<IOException>(() => worker.ReceiveArtifactAsync(artifact.Id, file, null, default));
        Assert.Equal("hello", File.ReadAllText(file));
    }

    [Fact]
    public async Task Posix_artifacts_register_metadata_only_and_only_under_the_allowed_roots()
    {
        var inside = Path.Combine(_root, "data", "set");
        Directory.CreateDirectory(inside);
        File.WriteAllText(Path.Combine(inside, "reads.txt"), "ACGT");
        var outside = Path.Combine(_root, "elsewhere");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "x.txt"), "x");
        using var worker = Open();

        var artifact = await worker.SendArtifactAsync(new SendArtifactRequest { Path = inside, Residence = "posix" }, null, default);
        Assert.Equal(ArtifactStatus.Committed, artifact.Status);
        Assert.Equal(ArtifactResidence.Posix, artifact.Residence);
        Assert.Equal(new Uri(inside).AbsoluteUri, artifact.ContentUrl);
        Assert.Null(_server.GetFileContent(artifact.Id, "reads.txt"));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            worker.SendArtifactAsync(new SendArtifactRequest { Path = outside, Residence = "posix" }, null, default));
        Assert.Contains("staging.allowed_posix_roots", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            worker.SendArtifactAsync(new SendArtifactRequest { Path = inside, Residence = "s3" }, null, default));
    }

    [Fact]
    public async Task Test_reports_each_check_and_invoke_cycle_runs_one_cycle()
    {
        using var worker = Open();
        var checks = await worker.TestAsync(default);
        Assert.Equal(CheckStatus.Pass, checks.Single(c => c.Name == "emx2 auth").Status);
        Assert.Equal(CheckStatus.Pass, checks.Single(c => c.Name == "emx2 reachable").Status);
        Assert.DoesNotContain(checks, c => c.Name == "sbatch"); // simulated: Slurm tools not demanded

        var report = await worker.InvokeCycleAsync(default);
        Assert.True(report.Registered);
        Assert.False(report.Emx2Unreachable);
        Assert.NotNull(_server.GetWorker(WorkerId));
    }

    private sealed class Sync(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
