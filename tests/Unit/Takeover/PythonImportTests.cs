using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.State;
using Emx2Hpc.Core.Takeover;
using Emx2Hpc.Tests.Unit.Cycle;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>The Python daemon stopped with jobs in every phase; its tracker is imported and this worker finishes every
/// job: one scheduler job per EMX2 job, no artifact made twice, the right terminal status.</summary>
public sealed class PythonImportTests(ITestOutputHelper output)
{
    private sealed record Scenario(CycleHarness H, PythonDaemonDouble Python, string Tracker, Dictionary<string, string> Jobs, Dictionary<string, string> Artifacts);

    /// <summary>One job per phase, EMX2 and the simulated cluster in the state the Python daemon left them, and its
    /// tracker built to the documented schema.</summary>
    private static async Task<Scenario> StopPythonMidFlightAsync(CycleHarness h)
    {
        var python = new PythonDaemonDouble(h);
        await python.RegisterAsync();
        var jobs = new Dictionary<string, string>();
        var artifacts = new Dictionary<string, string>();
        var rows = new List<PythonRow>();
        var claimedAt = h.Clock.GetUtcNow().ToUnixTimeSeconds();
        PythonRow Row(string id, string status, string? slurm) => new()
        {
            Emx2JobId = id, Status = status, SlurmJobId = slurm, Processor = CycleHarness.Processor, Profile = CycleHarness.Profile,
            WorkDir = python.Dirs(id).Root, InputDir = python.Dirs(id).Input, OutputDir = python.Dirs(id).Output, ClaimedAt = claimedAt,
            SubmitUser = h.UserName, InputArtifactIds = "[]", TimeoutSeconds = null,
        };
        async Task<string> Job(string name) => jobs[name] = await h.CreateJobAsync();
        async Task Finish(string slurm) { for (var i = 0; i < 5; i++) await h.Simulated.QueryAsync([slurm], default); }

        var a = await Job("claimed-before-sbatch");
        await python.ClaimAsync(a);
        rows.Add(Row(a, "CLAIMED", null));

        var b = await Job("sbatch-without-row");
        var bSlurm = await python.ClaimAndSubmitAsync(b, report: false);
        rows.Add(Row(b, "CLAIMED", null)); // the row of an earlier failed report; the sbatch went unrecorded

        var c = await Job("submitted-not-reported");
        rows.Add(Row(c, "SUBMITTED", await python.ClaimAndSubmitAsync(c, report: false)));

        var d = await Job("pending");
        rows.Add(Row(d, "SUBMITTED", await python.ClaimAndSubmitAsync(d, steps: 2)));

        var e = await Job("running");
        var eSlurm = await python.ClaimAndSubmitAsync(e, steps: 3);
        await h.Simulated.QueryAsync([eSlurm], default);
        await python.ReportAsync(e, JobStatus.Started, eSlurm);
        rows.Add(Row(e, "STARTED", eSlurm));

        var f = await Job("finished-not-reported");
        var fSlurm = await python.ClaimAndSubmitAsync(f);
        await python.ReportAsync(f, JobStatus.Started, fSlurm);
        await Finish(fSlurm);
        rows.Add(Row(f, "STARTED", fSlurm));

        var g = await Job("failed-not-reported");
        await python.ClaimAsync(g);
        var gSlurm = await python.SbatchAsync(g, steps: 0, outcome: "fail");
        await python.ReportAsync(g, JobStatus.Submitted, gSlurm);
        await python.ReportAsync(g, JobStatus.Started, gSlurm);
        await Finish(gSlurm);
        rows.Add(Row(g, "STARTED", gSlurm));

        foreach (var phase in new[] { "log_uploaded", "output_uploaded", "transitioning" })
        {
            var id = await Job(phase);
            var slurm = await python.ClaimAndSubmitAsync(id);
            await python.ReportAsync(id, JobStatus.Started, slurm);
            await Finish(slurm);
            var log = artifacts[$"{phase}/log"] = await python.PublishAsync(id, ArtifactRole.Log);
            string? outputId = null;
            if (phase != "log_uploaded") outputId = artifacts[$"{phase}/output"] = await python.PublishAsync(id, ArtifactRole.Output);
            rows.Add(Row(id, "STARTED", slurm) with { CompletionPhase = phase, LogArtifactId = log, OutputArtifactId = outputId });
        }

        var done = await Job("completed-still-tracked");
        var doneSlurm = await python.ClaimAndSubmitAsync(done);
        await python.ReportAsync(done, JobStatus.Started, doneSlurm);
        await Finish(doneSlurm);
        var doneLog = await python.PublishAsync(done, ArtifactRole.Log);
        var doneOut = await python.PublishAsync(done, ArtifactRole.Output);
        await python.CompleteAsync(done, JobStatus.Completed, doneOut, doneLog); // killed before its row was removed
        rows.Add(Row(done, "STARTED", doneSlurm) with { CompletionPhase = "transitioning", LogArtifactId = doneLog, OutputArtifactId = doneOut });

        var tracker = Path.Combine(h.Root, "python", "state.db");
        PythonTrackerFixture.Create(tracker, rows);
        _ = bSlurm;
        return new Scenario(h, python, tracker, jobs, artifacts);
    }

    [Fact]
    public async Task Every_phase_is_imported_and_finished_with_one_scheduler_job_and_no_duplicate_artifact()
    {
        await using var h = await CycleHarness.StartAsync(output, o => o.MaxConcurrentJobs = 20);
        var s = await StopPythonMidFlightAsync(h);
        using var python = s.Python;
        var submissionsBefore = h.SubmissionsLog().Length;
        var import = new PythonStateImport(h.Runner.Context);

        var plan = await import.PlanAsync(s.Tracker, default);
        output.WriteLine(string.Join("\n", plan.Describe()));
        Assert.Empty(plan.Blockers);
        Assert.Equal(0, plan.Count(ImportAction.Refuse));
        Assert.Equal(ImportAction.Skip, plan.Decisions.Single(d => d.JobId == s.Jobs["completed-still-tracked"]).Action);
        Assert.Equal(s.Jobs.Count - 1, plan.Count(ImportAction.Import));
        Assert.Contains("emx2-" + s.Jobs["sbatch-without-row"][..8], plan.Decisions.Single(d => d.JobId == s.Jobs["sbatch-without-row"]).Reason);
        Assert.Null(h.Store.GetJob(s.Jobs["pending"]));

        await import.ApplyAsync(plan, default);
        var again = await import.ApplyAsync(await import.PlanAsync(s.Tracker, default), default);
        Assert.Equal(0, again.Count(ImportAction.Import));
        Assert.Equal(s.Jobs.Count - 1, h.Store.ListJobs().Count);

        for (var i = 0; i < 12 && s.Jobs.Values.Any(id => !JobStatus.IsTerminal(h.Job(id).Status) || h.Store.GetJob(id) is not null); i++)
            await h.RunCycleAsync();

        var expected = new Dictionary<string, string>
        {
            ["claimed-before-sbatch"] = JobStatus.Completed, ["sbatch-without-row"] = JobStatus.Completed,
            ["submitted-not-reported"] = JobStatus.Completed, ["pending"] = JobStatus.Completed, ["running"] = JobStatus.Completed,
            ["finished-not-reported"] = JobStatus.Completed, ["failed-not-reported"] = JobStatus.Failed,
            ["log_uploaded"] = JobStatus.Completed, ["output_uploaded"] = JobStatus.Completed, ["transitioning"] = JobStatus.Completed,
            ["completed-still-tracked"] = JobStatus.Completed,
        };
        var submissions = h.SubmissionsLog();
        Assert.Equal(submissionsBefore + 1, submissions.Length); // only the job the Python daemon never submitted
        foreach (var (name, id) in s.Jobs)
        {
            var job = h.Job(id);
            Assert.True(expected[name] == job.Status, $"{name}: {job.Status}\n{h.LogText()}");
            Assert.Single(submissions, l => l.EndsWith(id, StringComparison.Ordinal));
            Assert.Null(h.Store.GetJob(id));
            var made = h.ArtifactsOf(id);
            Assert.True(made.Count(a => a.Type == "log") <= 1, $"{name}: {made.Count(a => a.Type == "log")} log artifacts");
            Assert.True(made.Count(a => a.Type == "blob") <= 1, $"{name}: {made.Count(a => a.Type == "blob")} output artifacts");
            if (job.Status == JobStatus.Completed) Assert.NotNull(job.OutputArtifactId);
            Assert.True(h.Statuses(id).Count(st => st == JobStatus.Submitted) == 1, $"{name}: {string.Join(",", h.Statuses(id))}");
        }
        Assert.Equal(s.Artifacts["log_uploaded/log"], h.Job(s.Jobs["log_uploaded"]).LogArtifactId);
        Assert.Equal(s.Artifacts["output_uploaded/output"], h.Job(s.Jobs["output_uploaded"]).OutputArtifactId);
        Assert.Equal(s.Artifacts["transitioning/output"], h.Job(s.Jobs["transitioning"]).OutputArtifactId);
        Assert.Equal(s.Artifacts["transitioning/log"], h.Job(s.Jobs["transitioning"]).LogArtifactId);
    }

    [Fact]
    public async Task Rows_whose_results_are_elsewhere_or_that_conflict_are_refused_with_the_reason()
    {
        await using var h = await CycleHarness.StartAsync(output);
        using var python = new PythonDaemonDouble(h, Path.Combine(h.Root, "python-jobs"));
        await python.RegisterAsync();
        var elsewhere = await h.CreateJobAsync();
        var elsewhereSlurm = await python.ClaimAndSubmitAsync(elsewhere);
        var conflicting = await h.CreateJobAsync();
        var conflictingSlurm = await python.ClaimAndSubmitAsync(conflicting);
        h.Store.Upsert(new TrackedJob { JobId = conflicting, Phase = LocalPhase.Submitted, SchedulerJobId = "sim-deadbeef", Emx2Status = JobStatus.Submitted });
        var tracker = Path.Combine(h.Root, "python", "state.db");
        PythonTrackerFixture.Create(tracker,
        [
            new PythonRow { Emx2JobId = elsewhere, Status = "SUBMITTED", SlurmJobId = elsewhereSlurm, OutputDir = python.Dirs(elsewhere).Output },
            new PythonRow { Emx2JobId = conflicting, Status = "SUBMITTED", SlurmJobId = conflictingSlurm, OutputDir = h.Dirs(conflicting).Output },
        ]);

        var plan = await new PythonStateImport(h.Runner.Context).PlanAsync(tracker, default);

        var refusedElsewhere = plan.Decisions.Single(d => d.JobId == elsewhere);
        Assert.Equal(ImportAction.Refuse, refusedElsewhere.Action);
        Assert.Contains($"its output directory {python.Dirs(elsewhere).Output} is not where apptainer.tmp_dir", refusedElsewhere.Reason);
        Assert.Contains(python.JobsRoot, refusedElsewhere.Reason);
        var refusedConflict = plan.Decisions.Single(d => d.JobId == conflicting);
        Assert.Equal(ImportAction.Refuse, refusedConflict.Action);
        Assert.Contains("already tracks it as scheduler job sim-deadbeef", refusedConflict.Reason);
        await new PythonStateImport(h.Runner.Context).ApplyAsync(plan, default);
        Assert.Null(h.Store.GetJob(elsewhere));
        Assert.Equal("sim-deadbeef", h.Store.GetJob(conflicting)!.SchedulerJobId);
    }

    [Fact]
    public void A_running_Python_daemon_or_its_cron_entry_blocks_the_import()
    {
        var root = Directory.CreateTempSubdirectory("emx2hpc-activity-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "proc", "4242"));
            File.WriteAllText(Path.Combine(root, "proc", "4242", "cmdline"), "/usr/bin/python3\0/home/hpc/.local/bin/emx2-hpc-daemon\0once\0");
            Directory.CreateDirectory(Path.Combine(root, "proc", "4243"));
            File.WriteAllText(Path.Combine(root, "proc", "4243", "cmdline"), "/bin/bash\0");
            var cron = Path.Combine(root, "hpc-daemon");
            File.WriteAllText(cron, "# * * * * * hpc emx2-hpc-daemon once\n* * * * * vagrant /usr/local/bin/emx2-hpc-daemon -c /etc/hpc-daemon/daemon-config.yaml once\n");

            var signs = PythonDaemonActivity.Find(Path.Combine(root, "proc"), [cron]);

            Assert.Equal(2, signs.Count);
            Assert.StartsWith("process 4242 is running", signs[0]);
            Assert.StartsWith($"cron entry in {cron}: * * * * * vagrant", signs[1]);
            Assert.Empty(PythonDaemonActivity.Find(Path.Combine(root, "nothing"), []));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
