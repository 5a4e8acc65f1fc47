using System.Security.Cryptography;
using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Simulated;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SimulatedSchedulerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string StateDir => _temp.Combine("state");
    private string JobsRoot => _temp.Combine("jobs");

    public void Dispose() => _temp.Dispose();

    private SimulatedScheduler Scheduler(TimeProvider? clock = null) =>
        new(new SimulatedSchedulerOptions { StateDirectory = StateDir, User = "tester" }, clock: clock);

    private BatchJobSpec Spec(string? simulate = null, string? jobId = null)
    {
        var id = jobId ?? Guid.NewGuid().ToString();
        return Specs.Host(JobsRoot, _temp.Combine("never-run.sh"), id) with
        {
            Args = ["--fast", "it's"],
            Environment = new Dictionary<string, string> { ["SECRET_TOKEN"] = "hunter2", ["MODE"] = "x" },
            ParametersJson = simulate is null ? "{}" : $$"""{"simulate":{{simulate}}}""",
        };
    }

    private static async Task<SchedulerJobInfo> Pass(IScheduler s, string id) => (await s.QueryAsync([id], CancellationToken.None))[id];

    [Fact]
    public async Task Default_job_runs_for_one_pass_then_completes_with_result_and_logs()
    {
        var s = Scheduler();
        var spec = Spec();
        Directory.CreateDirectory(spec.Directories.Input);
        File.WriteAllText(Path.Combine(spec.Directories.Input, "data.csv"), "a,b\n1,2\n");
        var id = await s.SubmitAsync(spec, CancellationToken.None);
        Assert.Matches("^sim-[0-9a-f]{8}$", id);
        Assert.True(File.Exists(spec.Directories.ScriptPath));

        var first = await Pass(s, id);
        Assert.Equal((SchedulerState.Running, "RUNNING", spec.Emx2JobId), (first.State, first.RawState, first.Emx2JobId));
        var progress = File.ReadAllLines(Path.Combine(spec.Directories.Output, ".hpc_progress.jsonl"));
        var line = JsonDocument.Parse(Assert.Single(progress)).RootElement;
        Assert.Equal(("simulating", 0.5), (line.GetProperty("phase").GetString(), line.GetProperty("progress").GetDouble()));

        var second = await Pass(s, id);
        Assert.Equal((SchedulerState.Completed, "COMPLETED", "0:0"), (second.State, second.RawState, second.ExitCode));
        var result = File.ReadAllText(Path.Combine(spec.Directories.Output, "result.txt"));
        Assert.Contains($"job_id: {spec.Emx2JobId}", result);
        Assert.Contains("args: [\"--fast\",\"it\\u0027s\"]", result);
        Assert.Contains("environment_names: MODE, SECRET_TOKEN", result);
        Assert.DoesNotContain("hunter2", result);
        var sha = Convert.ToHexString(SHA256.HashData("a,b\n1,2\n"u8.ToArray())).ToLowerInvariant();
        Assert.Contains($"data.csv\t8\t{sha}", result);
        Assert.True(File.Exists(Path.Combine(spec.Directories.Output, $"slurm-{id}.out")));
        Assert.True(File.Exists(Path.Combine(spec.Directories.Output, $"slurm-{id}.err")));

        Assert.Equal(SchedulerState.Completed, (await Pass(s, id)).State);
        Assert.Single(File.ReadAllLines(Path.Combine(spec.Directories.Output, ".hpc_progress.jsonl")));
        Assert.DoesNotContain("hunter2", string.Concat(Directory.GetFiles(StateDir, "*", SearchOption.AllDirectories).Select(File.ReadAllText)));
    }

    [Fact]
    public async Task State_persists_across_instances()
    {
        var spec = Spec();
        var id = await Scheduler().SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(SchedulerState.Running, (await Pass(Scheduler(), id)).State);
        Assert.Equal(SchedulerState.Completed, (await Pass(Scheduler(), id)).State);
        var listed = Assert.Single(await Scheduler().ListTaggedAsync(CancellationToken.None));
        Assert.Equal((id, spec.Emx2JobId, SchedulerState.Completed), (listed.SchedulerJobId, listed.Emx2JobId, listed.State));
    }

    [Fact]
    public async Task Steps_control_how_many_passes_see_the_job_running()
    {
        var s = Scheduler();
        var id = await s.SubmitAsync(Spec("""{"steps":3}"""), CancellationToken.None);
        for (var i = 0; i < 3; i++) Assert.Equal(SchedulerState.Running, (await Pass(s, id)).State);
        Assert.Equal(SchedulerState.Completed, (await Pass(s, id)).State);

        var fast = await s.SubmitAsync(Spec("""{"steps":0}"""), CancellationToken.None);
        Assert.Equal(SchedulerState.Completed, (await Pass(s, fast)).State);
    }

    [Fact]
    public async Task Fail_outcome_writes_logs_and_fails_with_the_exit_code()
    {
        var s = Scheduler();
        var spec = Spec("""{"outcome":"fail","exit_code":3,"steps":0}""");
        var id = await s.SubmitAsync(spec, CancellationToken.None);
        var info = await Pass(s, id);
        Assert.Equal((SchedulerState.Failed, "FAILED", "3:0", "NON_ZERO_EXIT"), (info.State, info.RawState, info.ExitCode, info.FailureCode));
        Assert.Contains("exit code 3", File.ReadAllText(Path.Combine(spec.Directories.Output, $"slurm-{id}.err")));
        Assert.False(File.Exists(Path.Combine(spec.Directories.Output, "result.txt")));
    }

    [Fact]
    public async Task Timeout_outcome_fails_with_timeout()
    {
        var s = Scheduler();
        var id = await s.SubmitAsync(Spec("""{"outcome":"timeout"}"""), CancellationToken.None);
        await Pass(s, id);
        var info = await Pass(s, id);
        Assert.Equal((SchedulerState.Failed, "TIMEOUT"), (info.State, info.FailureCode));
    }

    [Theory]
    [InlineData("""{"outcome":"explode"}""", "parameters.simulate.outcome")]
    [InlineData("""{"exit_code":0}""", "parameters.simulate.exit_code")]
    [InlineData("""{"steps":-1}""", "parameters.simulate.steps")]
    [InlineData("\"fail\"", "parameters.simulate:")]
    public async Task Invalid_simulation_parameters_are_rejected(string simulate, string field)
    {
        var ex = await Assert.ThrowsAsync<JobRejectedException>(() => Scheduler().SubmitAsync(Spec(simulate), CancellationToken.None));
        Assert.StartsWith(field, ex.Message);
    }

    [Fact]
    public async Task Specs_the_real_scheduler_would_reject_are_rejected_too()
    {
        var spec = Spec() with { Args = ["a\0b"] };
        await Assert.ThrowsAsync<JobRejectedException>(() => Scheduler().SubmitAsync(spec, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(StateDir, "submissions.log")));
    }

    [Fact]
    public async Task Cancel_stops_an_unfinished_job_and_is_harmless_otherwise()
    {
        var s = Scheduler();
        var spec = Spec();
        var id = await s.SubmitAsync(spec, CancellationToken.None);
        await Pass(s, id);
        await s.CancelAsync(id, CancellationToken.None);
        var info = await Pass(s, id);
        Assert.Equal((SchedulerState.Cancelled, "CANCELLED by tester", "tester"), (info.State, info.RawState, info.CancelledBy));
        Assert.False(File.Exists(Path.Combine(spec.Directories.Output, "result.txt")));

        await s.CancelAsync(id, CancellationToken.None);
        await s.CancelAsync("sim-00000000", CancellationToken.None);
        await s.CancelAsync("../../etc/passwd", CancellationToken.None);
        Assert.Equal(SchedulerState.Cancelled, (await Pass(s, id)).State);
    }

    [Fact]
    public async Task Unknown_and_foreign_ids_are_absent()
    {
        var result = await Scheduler().QueryAsync(["sim-deadbeef", "12345", "../jobs/x"], CancellationToken.None);
        Assert.Empty(result);
    }

    [Fact]
    public async Task Submissions_log_has_one_line_per_submit()
    {
        var s = Scheduler();
        var a = Spec();
        await s.SubmitAsync(a, CancellationToken.None);
        await s.SubmitAsync(a, CancellationToken.None);
        var b = Spec();
        var idB = await s.SubmitAsync(b, CancellationToken.None);

        var lines = File.ReadAllLines(s.SubmissionsLogPath);
        Assert.Equal(3, lines.Length);
        Assert.Equal(2, lines.Count(l => l.Split('\t')[2] == a.Emx2JobId));
        Assert.Contains($"\t{idB}\t{b.Emx2JobId}", lines.Single(l => l.EndsWith(b.Emx2JobId)));
        Assert.True(DateTimeOffset.TryParse(lines[0].Split('\t')[0], out _));
    }

    [Fact]
    public async Task Nothing_is_executed()
    {
        var canary = _temp.Combine("ran");
        var entry = ScriptTools.WriteExecutable(_temp.Combine("entry.sh"), $"#!/bin/sh\ntouch {canary}\n");
        var s = Scheduler();
        var id = await s.SubmitAsync(Spec() with { Execution = new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = entry } },
            CancellationToken.None);
        await Pass(s, id);
        await Pass(s, id);
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public async Task Input_listing_does_not_follow_symlinks_out_of_the_input_directory()
    {
        var outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "do not read");
        var spec = Spec("""{"steps":0}""");
        Directory.CreateDirectory(Path.Combine(spec.Directories.Input, "inner"));
        File.WriteAllText(Path.Combine(spec.Directories.Input, "inner", "ok.txt"), "ok");
        File.CreateSymbolicLink(Path.Combine(spec.Directories.Input, "file-link"), Path.Combine(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(spec.Directories.Input, "dir-link"), outside);

        var s = Scheduler();
        var id = await s.SubmitAsync(spec, CancellationToken.None);
        await Pass(s, id);
        var result = File.ReadAllText(Path.Combine(spec.Directories.Output, "result.txt"));
        Assert.Contains("inner/ok.txt\t2\t", result);
        Assert.Contains("file-link\tsymlink (not followed)", result);
        Assert.Contains("dir-link\tsymlink (not followed)", result);
        Assert.DoesNotContain("secret.txt", result);
    }

    [Fact]
    public async Task Finished_jobs_are_purged_after_the_retention()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var s = Scheduler(clock);
        var done = await s.SubmitAsync(Spec("""{"steps":0}"""), CancellationToken.None);
        var waiting = await s.SubmitAsync(Spec(), CancellationToken.None);
        await Pass(s, done);
        Assert.Equal(2, (await s.ListTaggedAsync(CancellationToken.None)).Count);

        clock.Advance(TimeSpan.FromDays(8));
        var listed = Assert.Single(await s.ListTaggedAsync(CancellationToken.None));
        Assert.Equal(waiting, listed.SchedulerJobId);
        Assert.Empty(await s.QueryAsync([done], CancellationToken.None));
    }

    [Fact]
    public async Task Elapsed_and_node_follow_the_clock()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var s = Scheduler(clock);
        var id = await s.SubmitAsync(Spec(), CancellationToken.None);
        Assert.Null((await s.ListTaggedAsync(CancellationToken.None))[0].Node);
        await Pass(s, id);
        clock.Advance(TimeSpan.FromSeconds(75));
        var done = await Pass(s, id);
        Assert.Equal(("simulated", "00:01:15"), (done.Node, done.Elapsed));
    }

    [Fact]
    public async Task Two_instances_racing_lose_no_submission_and_no_step()
    {
        var a = Scheduler();
        var b = Scheduler();
        var specs = Enumerable.Range(0, 40).Select(_ => Spec("""{"steps":10}""")).ToList();
        var ids = await Task.WhenAll(specs.Select((spec, i) => Task.Run(() => (i % 2 == 0 ? a : b).SubmitAsync(spec, CancellationToken.None))));

        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(40, File.ReadAllLines(a.SubmissionsLogPath).Length);

        // Ten passes split across both instances, run concurrently: every job must have advanced exactly ten times.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).QueryAsync(ids, CancellationToken.None))));
        foreach (var spec in specs)
            Assert.Equal(10, File.ReadAllLines(Path.Combine(spec.Directories.Output, ".hpc_progress.jsonl")).Length);
        var final = await b.QueryAsync(ids, CancellationToken.None);
        Assert.All(final.Values, info => Assert.Equal(SchedulerState.Completed, info.State));
    }
}
