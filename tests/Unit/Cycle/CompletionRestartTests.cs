using System.Net;
using System.Text.RegularExpressions;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>The worker process dies at every boundary of the completion protocol; a fresh runner on the same state
/// database must finish the job with exactly one output and one log artifact, re-send no file the store recorded as
/// uploaded, and report COMPLETED once. The only leftover allowed is an empty CREATED artifact when the crash fell
/// between EMX2 creating it and the worker recording its id (POST /artifacts cannot be made idempotent).</summary>
public sealed class CompletionRestartTests(ITestOutputHelper output)
{
    private const string Create = "POST /api/hpc/artifacts$";
    private const string FilePut = "PUT /api/hpc/artifacts/[^/]+/files/";
    private const string Commit = "POST /api/hpc/artifacts/[^/]+/commit$";
    private const string Complete = "POST /api/hpc/jobs/[^/]+/complete$";

    private static Func<HttpRequestMessage, bool> Matches(string pattern) =>
        r => Regex.IsMatch($"{r.Method.Method} {r.RequestUri!.AbsolutePath}", pattern);

    /// <summary>Crash cases: where the process dies, and whether an orphan artifact is the expected consequence.</summary>
    public static TheoryData<string> Phases() =>
    [
        "finishing decided, nothing published",
        "log upload row written, POST /artifacts not sent",
        "log artifact created, its id lost",
        "log artifact created, no file sent",
        "one log file uploaded",
        "log file uploaded, its acknowledgement lost",
        "log files uploaded, commit not sent",
        "log committed, acknowledgement lost",
        "log committed, output not created",
        "output artifact created, its id lost",
        "output artifact created, no file sent",
        "one output file uploaded",
        "output committed, acknowledgement lost",
        "output committed, /complete queued but not sent",
        "/complete applied, acknowledgement lost",
    ];

    [Theory]
    [MemberData(nameof(Phases))]
    public async Task A_restart_resumes_completion_without_duplicates(string phase)
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.Scripted.SetState(slurmId, "RUNNING");
        await h.RunCycleAsync();
        h.WriteOutput(id, $"slurm-{slurmId}.out", "embedding 10 sequences\n");
        h.WriteOutput(id, $"slurm-{slurmId}.err", "warning: slow disk\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.WriteOutput(id, "a/b/c.txt", "nested\n");
        h.Scripted.SetState(slurmId, "COMPLETED", "0:0");

        var orphanExpected = false;
        string? putAnswerLost = null;
        switch (phase)
        {
            case "finishing decided, nothing published":
                // EMX2 refuses us this cycle: the monitor still records the outcome, nothing is published.
                h.Http.Respond(r => r.RequestUri!.AbsolutePath.EndsWith("/register", StringComparison.Ordinal)
                    ? RecordingHandler.Problem(HttpStatusCode.Unauthorized, "HMAC auth failed") : null);
                break;
            case "log upload row written, POST /artifacts not sent":
                h.Http.CrashAt(Matches(Create), CrashPoint.BeforeSend);
                break;
            case "log artifact created, its id lost":
                h.Http.CrashAt(Matches(Create), CrashPoint.AfterSend);
                orphanExpected = true;
                break;
            case "log artifact created, no file sent":
                h.Http.CrashAt(Matches(FilePut), CrashPoint.BeforeSend);
                break;
            case "one log file uploaded":
                h.Http.CrashAt(Matches(FilePut), CrashPoint.BeforeSend, skip: 1);
                break;
            case "log file uploaded, its acknowledgement lost":
                h.Http.CrashAt(Matches(FilePut), CrashPoint.AfterSend);
                putAnswerLost = $"slurm-{slurmId}.err";
                break;
            case "log files uploaded, commit not sent":
                h.Http.CrashAt(Matches(Commit), CrashPoint.BeforeSend);
                break;
            case "log committed, acknowledgement lost":
                h.Http.CrashAt(Matches(Commit), CrashPoint.AfterSend);
                break;
            case "log committed, output not created":
                h.Http.CrashAt(Matches(Create), CrashPoint.BeforeSend, skip: 1);
                break;
            case "output artifact created, its id lost":
                h.Http.CrashAt(Matches(Create), CrashPoint.AfterSend, skip: 1);
                orphanExpected = true;
                break;
            case "output artifact created, no file sent":
                h.Http.CrashAt(Matches(FilePut), CrashPoint.BeforeSend, skip: 2);
                break;
            case "one output file uploaded":
                h.Http.CrashAt(Matches(FilePut), CrashPoint.BeforeSend, skip: 3);
                break;
            case "output committed, acknowledgement lost":
                h.Http.CrashAt(Matches(Commit), CrashPoint.AfterSend, skip: 1);
                break;
            case "output committed, /complete queued but not sent":
                h.Http.CrashAt(Matches(Complete), CrashPoint.BeforeSend);
                break;
            case "/complete applied, acknowledgement lost":
                // EMX2 applies it and drops the connection; the process dies before it could retry.
                h.SetFaults("""{"rules":[{"method":"POST","path":"/complete$","action":"drop-after-commit","times":1}]}""");
                h.Http.CrashAt(Matches(Complete), CrashPoint.AfterSend);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(phase), phase, null);
        }

        await h.RunCycleAsync();

        // The crash happened where intended and left the state the phase describes.
        var row = h.Store.GetJob(id);
        Assert.NotNull(row);
        Assert.True(row.Phase is LocalPhase.Finishing or LocalPhase.Done, $"phase {row.Phase}");
        Assert.Equal(phase == "/complete applied, acknowledgement lost" ? JobStatus.Completed : JobStatus.Started, h.Job(id).Status);
        CheckCrashState(h, id, phase);

        h.Restart();
        var job = await h.RunUntilFinishedAsync(id);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal([JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started, JobStatus.Completed], h.Statuses(id));
        Assert.Single(h.Statuses(id), s => s == JobStatus.Completed);
        var complete = h.Transitions(id)[^1];
        Assert.Equal(JobStatus.Completed, complete.ToStatus);
        Assert.Contains($"log_artifact={job.LogArtifactId}; output_artifact={job.OutputArtifactId}", complete.Detail);

        var result = h.Artifact(job.OutputArtifactId!);
        var log = h.Artifact(job.LogArtifactId!);
        Assert.Equal(ArtifactStatus.Committed, result.Status);
        Assert.Equal(ArtifactStatus.Committed, log.Status);
        Assert.Equal(TreeHash.Compute([("a/b/c.txt", BodyHash.OfUtf8("nested\n")), ("result.txt", BodyHash.OfUtf8("42\n"))]), result.Sha256);
        Assert.Equal([$"slurm-{slurmId}.err", $"slurm-{slurmId}.out"], h.Files(log.Id).Select(f => f.Path));
        Assert.Equal("embedding 10 sequences\n", h.FileText(log.Id, $"slurm-{slurmId}.out"));
        Assert.Equal("42\n", h.FileText(result.Id, "result.txt"));

        // Leftovers: only empty CREATED artifacts, and only where the crash fell between create and recording its id.
        var leftovers = h.ArtifactsOf(id).Where(a => a.Id != result.Id && a.Id != log.Id).ToList();
        Assert.Equal(orphanExpected ? 1 : 0, leftovers.Count);
        Assert.All(leftovers, a => Assert.Equal(ArtifactStatus.Created, a.Status));
        Assert.All(leftovers, a => Assert.Empty(h.Files(a.Id)));

        // No file the store had recorded was sent again; only a PUT whose acknowledgement was lost is repeated.
        foreach (var (artifact, path) in new[] { (log.Id, $"slurm-{slurmId}.err"), (log.Id, $"slurm-{slurmId}.out"), (result.Id, "a/b/c.txt"), (result.Id, "result.txt") })
        {
            var reached = h.Sent.Count(r => r.Method == "PUT" && r.Path == $"/api/hpc/artifacts/{artifact}/files/{path}" && ReachedServer(r));
            Assert.True(reached == (path == putAnswerLost ? 2 : 1), $"{path} reached EMX2 {reached} times");
        }
        var completes = h.Sent.Count(r => r.Path == $"/api/hpc/jobs/{id}/complete" && ReachedServer(r));
        Assert.Equal(1, completes);

        Assert.Null(h.Store.GetJob(id));
        Assert.Equal(JobStatus.Completed, h.Store.ListFinished().Single(f => f.JobId == id).FinalStatus);
        Assert.Empty(h.Store.PendingReports());
        Assert.Empty(h.Store.ListUploads());
        Assert.Single(h.Scripted.Submitted);
    }

    private static bool ReachedServer(SentRequest r) => r.Status is not null || r.Error?.StartsWith("crashed after send", StringComparison.Ordinal) == true;

    private static void CheckCrashState(CycleHarness h, string id, string phase)
    {
        var log = h.Store.GetUpload(id, ArtifactRole.Log);
        var output = h.Store.GetUpload(id, ArtifactRole.Output);
        var logFiles = h.Store.UploadedFiles(id, ArtifactRole.Log).Count;
        var outputFiles = h.Store.UploadedFiles(id, ArtifactRole.Output).Count;
        (UploadState?, UploadState?, int, int) expected = phase switch
        {
            "finishing decided, nothing published" => (null, null, 0, 0),
            "log upload row written, POST /artifacts not sent" or "log artifact created, its id lost" => (UploadState.Creating, null, 0, 0),
            "log artifact created, no file sent" or "log file uploaded, its acknowledgement lost" => (UploadState.Created, null, 0, 0),
            "one log file uploaded" => (UploadState.Created, null, 1, 0),
            "log files uploaded, commit not sent" or "log committed, acknowledgement lost" => (UploadState.Created, null, 2, 0),
            "log committed, output not created" or "output artifact created, its id lost" => (UploadState.Committed, UploadState.Creating, 2, 0),
            "output artifact created, no file sent" => (UploadState.Committed, UploadState.Created, 2, 0),
            "one output file uploaded" => (UploadState.Committed, UploadState.Created, 2, 1),
            "output committed, acknowledgement lost" => (UploadState.Committed, UploadState.Created, 2, 2),
            _ => (UploadState.Committed, UploadState.Committed, 2, 2),
        };
        Assert.Equal(expected, ((UploadState?)log?.State, (UploadState?)output?.State, logFiles, outputFiles));
        var done = phase is "output committed, /complete queued but not sent" or "/complete applied, acknowledgement lost";
        Assert.Equal(done ? LocalPhase.Done : LocalPhase.Finishing, h.Store.GetJob(id)!.Phase);
        Assert.Equal(done ? 1 : 0, h.Store.PendingReports(id).Count(r => r.Kind == ReportKind.Complete));
    }

    [Fact]
    public async Task A_lost_complete_acknowledgement_without_a_crash_is_absorbed_by_the_retry()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.Scripted = true);
        var id = await h.CreateJobAsync();
        await h.RunCycleAsync();
        var slurmId = h.Scripted.IdFor(id);
        h.WriteOutput(id, $"slurm-{slurmId}.out", "ok\n");
        h.WriteOutput(id, "result.txt", "42\n");
        h.Scripted.SetState(slurmId, "COMPLETED", "0:0");
        h.SetFaults("""{"rules":[{"method":"POST","path":"/complete$","action":"drop-after-commit","times":1}]}""");

        await h.RunCycleAsync();

        Assert.Equal(JobStatus.Completed, h.Job(id).Status);
        Assert.Single(h.Statuses(id), s => s == JobStatus.Completed);
        Assert.Equal(2, h.Server.RequestLog.Count("POST", "/api/hpc/jobs/{id}/complete"));
        Assert.Equal(1, h.Server.FaultsFired);
        Assert.Null(h.Store.GetJob(id));
    }
}
