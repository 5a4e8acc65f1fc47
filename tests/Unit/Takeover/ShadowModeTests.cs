using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Cycle.Shadow;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Tests.Unit.Cycle;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>Shadow cycles work out what a cycle would do and change nothing: no modifying request reaches EMX2, the
/// scheduler gets no submission or cancellation, the state database and the jobs root stay as they were.</summary>
public sealed class ShadowModeTests(ITestOutputHelper output)
{
    private static ShadowRunner Shadow(CycleHarness h) => new(h.Config, new CycleRunnerOptions
    {
        Scheduler = h.Scheduler, Clock = h.Clock, HttpHandler = new RecordingHandler([]),
    }, new HpcLog(h.Logs, "shadow-test", LogLevel.Debug));

    private static int Mutating(CycleHarness h) =>
        h.Server.RequestLog.Snapshot().Where(e => !e.Key.StartsWith("GET ", StringComparison.Ordinal) && !e.Key.StartsWith("HEAD ", StringComparison.Ordinal)).Sum(e => e.Value);

    /// <summary>The state database and its WAL companions (the simulated cluster keeps its own files beside them).</summary>
    private static Dictionary<string, string> Database(string db) =>
        new[] { "", "-wal", "-shm", "-journal" }.Select(s => db + s).Where(File.Exists)
            .ToDictionary(p => p, p => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))));

    /// <summary>Every file under a directory with its bytes, so any write shows.</summary>
    private static Dictionary<string, string> Tree(string root) => !Directory.Exists(root) ? []
        : Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .ToDictionary(p => p, p => File.Exists(p) ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "dir");

    [Fact]
    public async Task A_cycle_that_would_claim_submit_complete_and_cancel_changes_nothing()
    {
        await using var h = await CycleHarness.StartAsync(output);
        var finished = await h.CreateJobAsync(parameters: new { simulate = new { steps = 1 } });
        var cancelled = await h.CreateJobAsync(parameters: new { simulate = new { steps = 50 } });
        await h.RunCycleAsync(); // both claimed, submitted and seen running once
        var finishedSlurm = h.Job(finished).SlurmJobId!;
        var cancelledSlurm = h.Job(cancelled).SlurmJobId!;
        await h.Simulated.QueryAsync([finishedSlurm], default); // the cluster finishes it between two cycles
        await h.User.CancelJobAsync(cancelled);
        var pending = await h.CreateJobAsync();
        h.Restart(); // the real worker process has exited: its database is at rest
        var db = h.Config.Worker.StateDb;
        var dbBefore = Database(db);
        Assert.Contains(db, dbBefore.Keys);
        var jobsBefore = Tree(h.Config.Apptainer.TmpDir);
        var submissionsBefore = h.SubmissionsLog();
        h.Server.RequestLog.Reset();

        var report = await Shadow(h).RunOnceAsync();

        Assert.Equal(0, Mutating(h));
        Assert.True(h.Server.RequestLog.Total > 0, "the shadow cycle read EMX2");
        Assert.Equal(submissionsBefore, h.SubmissionsLog());
        Assert.Equal("RUNNING", (await h.Simulated.ListTaggedAsync(default)).Single(t => t.SchedulerJobId == cancelledSlurm).RawState);
        SqliteConnection.ClearAllPools();
        Assert.Equal(dbBefore, Database(db));
        Assert.Equal(jobsBefore, Tree(h.Config.Apptainer.TmpDir));
        Assert.Equal(JobStatus.Pending, h.Job(pending).Status);
        Assert.Equal(JobStatus.Started, h.Job(finished).Status);

        Assert.True(report.Shadow);
        Assert.Empty(report.Errors);
        Assert.Equal((1, 1, 1), (report.Claimed, report.Submitted, report.Finished));
        var planned = report.Planned;
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.Claim && a.JobId == pending);
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.Stage && a.JobId == pending);
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.Submit && a.JobId == pending);
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.Report && a.JobId == pending && a.Description.Contains("as SUBMITTED", StringComparison.Ordinal));
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.CancelScheduled && a.Description.EndsWith(cancelledSlurm, StringComparison.Ordinal));
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.Upload && a.Description.StartsWith("upload result.txt", StringComparison.Ordinal));
        Assert.Equal(2, planned.Count(a => a.Kind == PlannedActionKind.Commit));
        Assert.Contains(planned, a => a.Kind == PlannedActionKind.Complete && a.JobId == finished && a.Description.Contains("as COMPLETED", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Events, e => e.Message.StartsWith($"shadow: would claim job {pending}", StringComparison.Ordinal));
        // The plan is audited in its own file, one line per held-back side effect; the real audit trail is untouched.
        var shadowAudit = File.ReadAllLines(Emx2Hpc.Core.Audit.ShadowAuditTrail.PathFor(h.Config))
            .Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.Equal(planned.Count, shadowAudit.Count);
        Assert.All(shadowAudit, e => Assert.Equal("shadow_planned", (string?)e["event"]));
        Assert.Contains(shadowAudit, e => (string?)e["action"] == "claim" && (string?)e["job_id"] == pending);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Emx2Hpc.Core.Audit.ShadowAuditTrail.PathFor(h.Config)));

        // The plan is what a real cycle then does.
        await h.RunCycleAsync();
        Assert.Equal(JobStatus.Completed, h.Job(finished).Status);
        Assert.Contains(JobStatus.Submitted, h.Statuses(pending));
        Assert.Single(h.SubmissionsLog(), l => l.EndsWith(pending, StringComparison.Ordinal));
        Assert.StartsWith("CANCELLED", (await h.Simulated.ListTaggedAsync(default)).Single(t => t.SchedulerJobId == cancelledSlurm).RawState);
    }

    [Fact]
    public async Task Beside_the_Python_daemon_without_a_state_database_nothing_is_created()
    {
        await using var h = await CycleHarness.StartAsync(output);
        using var python = new PythonDaemonDouble(h);
        await python.RegisterAsync();
        var running = await h.CreateJobAsync();
        var slurmId = await python.ClaimAndSubmitAsync(running, steps: 3);
        var pending = await h.CreateJobAsync();
        h.Server.RequestLog.Reset();

        var first = await Shadow(h).RunOnceAsync();
        var second = await Shadow(h).RunOnceAsync();

        Assert.Empty(Database(h.Config.Worker.StateDb));
        Assert.False(Directory.Exists(h.Config.Apptainer.TmpDir + "/" + pending));
        Assert.Equal(0, Mutating(h));
        Assert.Single(h.SubmissionsLog());
        foreach (var report in new[] { first, second })
        {
            Assert.Contains(report.Planned, a => a.Kind == PlannedActionKind.Claim && a.JobId == pending);
            Assert.DoesNotContain(report.Planned, a => a.Kind == PlannedActionKind.Submit && a.JobId == running);
        }
        Assert.Contains(h.Logs.Events, e => e.Message.Contains($"adopted job {running} from EMX2", StringComparison.Ordinal));
        Assert.Equal((JobStatus.Submitted, slurmId), (h.Job(running).Status, h.Job(running).SlurmJobId));
    }
}
