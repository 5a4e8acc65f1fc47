using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>The parsers and SlurmCli over output captured from Slurm 24.11.5 in the e2e VM (Debian trixie packages,
/// tests/Unit/Fixtures/slurm/24.11/PROVENANCE.md). Job ids and their parts are listed in that folder's jobs.txt.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class Slurm2411FixtureTests : IDisposable
{
    private static string F(string file) => Fixtures.Slurm("24.11", file);

    private readonly TempDirectory _temp = new();
    private readonly FakeProcessRunner _runner = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Sbatch_parsable_prints_the_bare_id() => Assert.Equal("2", SbatchOutput.ParseJobId(F("sbatch-parsable.txt")));

    [Fact]
    public void Sacct_final_records_parse_with_tags_states_and_exit_codes()
    {
        var rows = SacctParser.Parse(F("sacct.txt"));
        Assert.Equal(["2", "3", "4", "5", "6", "7", "8", "9"], rows.Select(r => r.JobId));
        Assert.All(rows, r => Assert.NotNull(r.Emx2JobId));
        Assert.All(rows, r => Assert.Equal(r.Comment, JobTag.Comment(r.Emx2JobId!)));
        Assert.Equal(("COMPLETED", "0:0", "slurm-e2e", "00:00:04"), (rows[0].State, rows[0].ExitCode, rows[0].Node, rows[0].Elapsed));
        Assert.Equal(("FAILED", "3:0"), (rows[1].State, rows[1].ExitCode));
        Assert.Equal(("TIMEOUT", "00:01:09"), (rows[2].State, rows[2].Elapsed));
        Assert.Equal("CANCELLED by 0", rows[3].State);
        Assert.Equal(("CANCELLED by 0", "None assigned"), (rows[5].State, rows[5].Node));
    }

    [Theory]
    [InlineData("2", SchedulerState.Completed, null)]
    [InlineData("3", SchedulerState.Failed, "NON_ZERO_EXIT")]
    [InlineData("4", SchedulerState.Failed, "TIMEOUT")]
    [InlineData("5", SchedulerState.Cancelled, null)]
    [InlineData("7", SchedulerState.Cancelled, null)]
    public void Sacct_final_records_map_to_the_same_outcomes_as_on_22_05(string id, SchedulerState state, string? failure)
    {
        var rows = SacctParser.Parse(F("sacct.txt"));
        var info = SlurmJobInfoFactory.Create(id, rows.Where(r => r.Id.BelongsTo(id)), SlurmStateSource.Accounting)!;
        Assert.Equal((state, failure), (info.State, info.FailureCode));
        if (state == SchedulerState.Cancelled) Assert.Equal("0", info.CancelledBy);
    }

    [Fact]
    public void Squeue_listing_parses_running_and_every_pending_reason()
    {
        var rows = SqueueParser.Parse(F("squeue.txt"));
        Assert.Equal(
            [("8", "PENDING", "BeginTime"), ("9", "PENDING", "Dependency"), ("6", "PENDING", "Resources"),
             ("7", "PENDING", "JobHeldUser"), ("4", "RUNNING", "None"), ("5", "RUNNING", "None")],
            rows.Select(r => (r.JobId, r.State, r.Reason)));
        Assert.Equal(("slurm-e2e", "0:06"), (rows[4].Node, rows[4].Elapsed));
        Assert.Null(rows[0].Node);
        Assert.All(rows, r => Assert.NotNull(r.Emx2JobId));
    }

    [Theory]
    [InlineData("squeue-finished-all-states.txt", "3", "FAILED", "NonZeroExitCode")]
    [InlineData("squeue-cancelled-all-states.txt", "7", "CANCELLED", "JobHeldUser")]
    [InlineData("squeue-after-cancel.txt", "9", "PENDING", "DependencyNeverSatisfied")]
    [InlineData("squeue-timeout-all-states.txt", "4", "TIMEOUT", "TimeLimit")]
    public void Squeue_situations_parse(string file, string jobId, string state, string reason)
    {
        var row = SqueueParser.Parse(F(file)).Single(r => r.JobId == jobId);
        Assert.Equal((state, reason), (row.State, row.Reason));
    }

    [Fact]
    public void Finished_jobs_are_hidden_from_squeue_without_t_all() => Assert.Empty(SqueueParser.Parse(F("squeue-finished.txt")));

    [Fact]
    public async Task An_unknown_id_in_sacct_is_no_row_and_no_error()
    {
        Assert.Equal("0", ExitCode("sacct-unknown-id.exitcode"));
        _runner.On("squeue", 0, "");
        _runner.On("sacct", 0, F("sacct-unknown-id.txt"));
        var result = await new SlurmCli(_runner, new SlurmCliOptions { User = "emx2hpc" }).QueryAsync(["99999999"], CancellationToken.None);
        Assert.Empty(result);
    }

    [Fact]
    public void Squeue_with_one_unknown_id_fails_but_mixed_with_a_known_one_does_not()
    {
        Assert.Equal("1", ExitCode("squeue-unknown-id.exitcode"));
        Assert.Contains("Invalid job id specified", F("squeue-unknown-id.txt"));
        Assert.Equal("0", ExitCode("squeue-known-and-unknown-id.exitcode"));
        Assert.Equal("5", Assert.Single(SqueueParser.Parse(F("squeue-known-and-unknown-id.txt"))).JobId);
    }

    /// <summary>22.05 queued a job asking for more CPUs than any node has (PartitionConfig); 24.11 refuses it at
    /// submission. The refusal is permanent, so it must surface as a plain SchedulerException (the job FAILS with
    /// Slurm's words), neither "unavailable" (retried forever) nor "deferred" (waits for an admin).</summary>
    [Fact]
    public async Task Sbatch_refusing_an_impossible_cpu_count_is_a_permanent_refusal()
    {
        Assert.Equal("1", ExitCode("sbatch-too-many-cpus.exitcode"));
        _runner.On("sbatch", 1, "", F("sbatch-too-many-cpus.txt"));
        var ex = await Assert.ThrowsAsync<SchedulerException>(() =>
            new SlurmCli(_runner, new SlurmCliOptions { User = "emx2hpc" }).SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));
        Assert.IsNotType<SchedulerUnavailableException>(ex);
        Assert.IsNotType<SubmissionDeferredException>(ex);
        Assert.Contains("Requested node configuration is not available", ex.Message);
    }

    /// <summary>The --json forms (data_parser v0.0.42) say the same as the text forms the parsers read: same ids, states,
    /// exit codes, reasons and tags. The bridge keeps the text forms (they exist on every supported version); this pins
    /// that nothing in the text is lossy for the states it uses.</summary>
    [Fact]
    public void Json_output_agrees_with_the_text_output()
    {
        var text = SacctParser.Parse(F("sacct.txt")).ToDictionary(r => r.JobId);
        using var sacct = JsonDocument.Parse(F("sacct-json.json"));
        var jobs = sacct.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(text.Keys.Order(), jobs.Select(j => j.GetProperty("job_id").GetInt64().ToString()).Order());
        foreach (var job in jobs)
        {
            var row = text[job.GetProperty("job_id").GetInt64().ToString()];
            Assert.Equal(row.State.Split(' ')[0], job.GetProperty("state").GetProperty("current")[0].GetString());
            Assert.Equal(row.ExitCode, $"{job.GetProperty("exit_code").GetProperty("return_code").GetProperty("number").GetInt32()}:0");
            Assert.Equal(row.Comment, job.GetProperty("comment").GetProperty("job").GetString());
            Assert.Equal(row.Name, job.GetProperty("name").GetString());
        }

        var live = SqueueParser.Parse(F("squeue.txt")).ToDictionary(r => r.JobId);
        using var squeue = JsonDocument.Parse(F("squeue-json.json"));
        var queued = squeue.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(live.Keys.Order(), queued.Select(j => j.GetProperty("job_id").GetInt64().ToString()).Order());
        foreach (var job in queued)
        {
            var row = live[job.GetProperty("job_id").GetInt64().ToString()];
            Assert.Equal(row.State, job.GetProperty("job_state")[0].GetString());
            Assert.Equal(row.Reason, job.GetProperty("state_reason").GetString());
            Assert.Equal(row.Comment, job.GetProperty("comment").GetString());
        }
    }

    private static string ExitCode(string file) => F(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim();
}
