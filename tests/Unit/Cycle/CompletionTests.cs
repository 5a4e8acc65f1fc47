using System.Text.Json;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

public sealed class CompletionTests(ITestOutputHelper output)
{
    private static string Sha(string text) => BodyHash.OfUtf8(text);

    /// <summary>Claims and submits one job on the scripted scheduler and writes a typical output directory.</summary>
    private static async Task<(string Id, string SlurmId)> FinishedJobAsync(CycleHarness h, string state = "COMPLETED", string exitCode = "0:0",
        string? profile = CycleHarness.Profile)
    {
        var id = await h.CreateJobAsync(profile: profile);
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.Scripted.SetState(slurmId, "RUNNING");
        await h.RunCycleAsync();
        h.WriteOutput(id, $"slurm-{slurmId}.out", "embedding 10 sequences\n");
        h.WriteOutput(id, $"slurm-{slurmId}.err", "warning: slow disk\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.WriteOutput(id, "a/b/c.txt", "nested\n");
        h.WriteOutput(id, ".hpc_progress.jsonl", "{\"progress\":1.0}\n");
        h.Scripted.SetState(slurmId, state, exitCode);
        return (id, slurmId);
    }

    private static string? Meta(ArtifactDto artifact, string key) =>
        artifact.Metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty(key, out var v) ? v.GetString() : null;

    [Fact]
    public async Task A_completed_job_gets_committed_output_and_log_artifacts_with_the_tree_hash_and_nested_paths()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var (id, slurmId) = await FinishedJobAsync(h);

        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Completed, job.Status);
        var result = h.Artifact(job.OutputArtifactId!);
        var log = h.Artifact(job.LogArtifactId!);
        Assert.Equal((ArtifactStatus.Committed, "blob", ArtifactResidence.Managed), (result.Status, result.Type, result.Residence));
        Assert.Equal((ArtifactStatus.Committed, "log", ArtifactResidence.Managed), (log.Status, log.Type, log.Residence));
        Assert.Equal(["a/b/c.txt", "result.txt"], h.Files(result.Id).Select(f => f.Path));
        Assert.Equal(TreeHash.Compute([("a/b/c.txt", Sha("nested\n")), ("result.txt", Sha("42\n"))]), result.Sha256);
        Assert.Equal(10, result.SizeBytes);
        Assert.Equal("nested\n", h.FileText(result.Id, "a/b/c.txt"));
        Assert.Equal([$"slurm-{slurmId}.err", $"slurm-{slurmId}.out"], h.Files(log.Id).Select(f => f.Path));
        Assert.Equal(TreeHash.Compute([($"slurm-{slurmId}.err", Sha("warning: slow disk\n")), ($"slurm-{slurmId}.out", Sha("embedding 10 sequences\n"))]), log.Sha256);
        foreach (var (artifact, role) in new[] { (result, "output"), (log, "log") })
        {
            Assert.Equal(id, Meta(artifact, "job_id"));
            Assert.Equal(role, Meta(artifact, "artifact_role"));
            Assert.Equal(CycleHarness.WorkerId, Meta(artifact, "worker_id"));
            Assert.Equal(CycleHarness.Processor, Meta(artifact, "processor"));
            Assert.Equal(slurmId, Meta(artifact, "scheduler_job_id"));
        }
        var complete = h.Transitions(id)[^1];
        Assert.Equal($"slurm_state=COMPLETED; node=node01; elapsed=00:00:05; log_artifact={log.Id}; output_artifact={result.Id}", complete.Detail);
        Assert.Equal(4, h.Sent.Count(r => r.IsBinaryFilePut)); // the progress file is never uploaded
        Assert.Equal(1, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete"));
        Assert.Equal(2, h.ArtifactsOf(id).Count);
        Assert.Null(h.Store.GetJob(id));
        Assert.Empty(h.Store.ListUploads());
    }

    [Fact]
    public async Task Posix_residence_registers_files_by_path_and_uploads_no_bytes()
    {
        await using var h = await CycleHarness.StartAsync(output, o =>
        {
            o.Scripted = true;
            o.Profiles.Add(CycleHarness.HostProfile(CycleHarness.Processor, "posix") with
            {
                OutputResidence = Residence.Posix, LogResidence = Residence.Posix,
            });
        });
        var (id, slurmId) = await FinishedJobAsync(h, profile: "posix");

        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Completed, job.Status);
        // Moved to the durable root before registration (EMX2 keeps pointing there), not left in the job's output/.
        var durable = Path.Join(h.Config.Staging.PosixOutputRoot, id);
        var url = new Uri(durable).AbsoluteUri;
        Assert.Equal("42\n", File.ReadAllText(Path.Join(durable, "result.txt")));
        Assert.Equal("nested\n", File.ReadAllText(Path.Join(durable, "a/b/c.txt")));
        Assert.True(File.Exists(Path.Join(durable, $"slurm-{slurmId}.out")));
        Assert.Equal(PosixOutputState.Moved, h.Store.GetPosixOutput(id)!.State);
        foreach (var artifactId in new[] { job.OutputArtifactId!, job.LogArtifactId! })
        {
            var artifact = h.Artifact(artifactId);
            Assert.Equal((ArtifactStatus.Committed, ArtifactResidence.Posix, url), (artifact.Status, artifact.Residence, artifact.ContentUrl));
            Assert.All(h.Files(artifactId), f => Assert.Null(h.Server.GetFileContent(artifactId, f.Path)));
        }
        var files = h.Files(job.OutputArtifactId!);
        Assert.Equal([("a/b/c.txt", Sha("nested\n"), 7L), ("result.txt", Sha("42\n"), 3L)], files.Select(f => (f.Path, f.Sha256, f.SizeBytes ?? -1)));
        Assert.Equal(TreeHash.Compute(files.Select(f => (f.Path, f.Sha256!))), h.Artifact(job.OutputArtifactId!).Sha256);
        Assert.Equal(4, h.Sent.Count(r => r.IsFilePut));
        Assert.DoesNotContain(h.Sent, r => r.IsBinaryFilePut);
        Assert.Equal(2, h.Files(job.LogArtifactId!).Count);
        Assert.Contains($"slurm-{slurmId}.out", h.Files(job.LogArtifactId!).Select(f => f.Path));
    }

    [Fact]
    public async Task A_failed_job_gets_a_log_artifact_but_no_output_artifact()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var (id, slurmId) = await FinishedJobAsync(h, "FAILED", "3:0");

        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Null(job.OutputArtifactId);
        Assert.Equal(ArtifactStatus.Committed, h.Artifact(job.LogArtifactId!).Status);
        Assert.Single(h.ArtifactsOf(id));
        Assert.StartsWith("slurm_state=FAILED; exit_code=3:0; failure=NON_ZERO_EXIT", h.Transitions(id)[^1].Detail);
        Assert.DoesNotContain(h.Sent, r => r.IsFilePut && r.Path.EndsWith("/result.txt", StringComparison.Ordinal));
        Assert.Equal("embedding 10 sequences\n", h.FileText(job.LogArtifactId!, $"slurm-{slurmId}.out"));
    }

    [Fact]
    public async Task An_upload_that_fails_is_resumed_next_cycle_and_COMPLETED_waits_for_the_committed_output()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var (id, _) = await FinishedJobAsync(h);
        h.SetFaults("""{"rules":[{"method":"PUT","path":"/files/","action":"503"}]}""");

        for (var i = 0; i < 2; i++) await h.RunCycleAsync();

        Assert.Equal(JobStatus.Started, h.Job(id).Status);
        Assert.Equal(0, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete"));
        var row = h.Store.GetJob(id)!;
        Assert.Equal((LocalPhase.Finishing, JobStatus.Completed), (row.Phase, row.TerminalStatus));
        var logUpload = h.Store.GetUpload(id, ArtifactRole.Log)!;
        Assert.Equal(UploadState.Created, logUpload.State);
        Assert.Single(h.ArtifactsOf(id)); // the log artifact, created once and reused
        Assert.Contains(h.Logs.Events, e => e.Message.Contains("resuming next cycle", StringComparison.Ordinal));

        h.Server.SetFaultPlan(null);
        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(logUpload.ArtifactId, job.LogArtifactId);
        Assert.Equal(ArtifactStatus.Committed, h.Artifact(job.OutputArtifactId!).Status);
        Assert.Equal(2, h.ArtifactsOf(id).Count);
        Assert.Equal(2, h.Server.RequestLog.Count("POST", "/api/hpc/artifacts"));
        Assert.Single(h.Statuses(id), s => s == JobStatus.Completed);
    }

    [Fact]
    public async Task An_output_EMX2_refuses_for_good_turns_COMPLETED_into_FAILED_with_the_reason()
    {
        await using var h = await CycleHarness.StartAsync(output, o => { o.Scripted = true; o.MaxUploadBytes = 100; });
        var (id, _) = await FinishedJobAsync(h);
        h.WriteOutput(id, "big.bin", new string('x', 500));

        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Null(job.OutputArtifactId);
        Assert.Equal(ArtifactStatus.Committed, h.Artifact(job.LogArtifactId!).Status);
        var detail = h.Transitions(id)[^1].Detail!;
        Assert.StartsWith("slurm_state=COMPLETED", detail);
        Assert.Contains("output upload failed:", detail);
        Assert.Contains("413", detail);
        Assert.Null(h.Store.GetJob(id));
    }

    [Fact]
    public async Task A_log_EMX2_refuses_for_good_does_not_hold_back_the_result()
    {
        await using var h = await CycleHarness.StartAsync(output, o => { o.Scripted = true; o.MaxUploadBytes = 100; });
        var (id, slurmId) = await FinishedJobAsync(h);
        h.WriteOutput(id, $"slurm-{slurmId}.out", new string('l', 500)); // a chatty job

        await h.RunCycleAsync();
        await h.RunCycleAsync();

        var job = h.Job(id);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(ArtifactStatus.Committed, h.Artifact(job.OutputArtifactId!).Status);
        Assert.Null(job.LogArtifactId);
        Assert.Contains("log upload failed:", h.Transitions(id)[^1].Detail);
        Assert.Null(h.Store.GetJob(id));
    }
}
