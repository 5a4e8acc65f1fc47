using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SlurmCliTests : IDisposable
{
    private static readonly SlurmCliOptions Options = new() { User = "hpcsvc", CommandTimeout = TimeSpan.FromSeconds(12) };
    private static readonly string[] SqueueArgs = ["-h", "-u", "hpcsvc", "-o", "%i|%T|%r|%N|%M|%k|%j"];
    private static readonly string[] SacctPrefix = ["-X", "-P", "-n", "-o", "JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,JobName"];
    /// <summary>The monitor's query: no -X (step rows carry MaxRSS), usage columns before the name.</summary>
    private static readonly string[] SacctUsagePrefix = ["-P", "-n", "-o", "JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,TotalCPU,AllocTRES,MaxRSS,JobName"];

    private readonly TempDirectory _temp = new();
    private readonly FakeProcessRunner _runner = new();

    public void Dispose() => _temp.Dispose();

    private SlurmCli Cli(SlurmCliOptions? options = null) => new(_runner, options ?? Options);

    private static string F(string file) => Fixtures.Slurm("22.05", file);

    // ---- tagged listing (recovery, takeover) ----

    [Fact]
    public async Task Tagged_listing_sees_a_job_that_just_ended_before_accounting_has_it()
    {
        // squeue answers with ended jobs only under -t all; sacct has not recorded the job yet (slurmdbd lags).
        _runner.On("squeue", c => new(0, c.Arguments.Contains("all") ? F("squeue-finished-all-states.txt") : "", "", TimeSpan.Zero));
        _runner.On("sacct", 0, "");

        var listed = (await Cli().ListTaggedAsync(CancellationToken.None)).Single(j => j.SchedulerJobId == "30");

        Assert.Equal(("30", "4e2efead-20e8-43b7-a124-da64d7aeb9ad", SchedulerState.Completed), (listed.SchedulerJobId, listed.Emx2JobId, listed.State));
        Assert.Equal([.. SqueueArgs, "-t", "all"], _runner.CommandsFor("squeue").Single().Arguments);
    }

    // ---- submit ----

    [Fact]
    public async Task Submit_writes_an_owner_only_script_and_runs_sbatch_parsable_on_it()
    {
        _runner.On("sbatch", 0, F("sbatch-parsable.txt"));
        var spec = Specs.Host(_temp.Combine("jobs"));

        Assert.Equal("16", await Cli().SubmitAsync(spec, CancellationToken.None));

        var command = Assert.Single(_runner.Commands);
        Assert.Equal(["--parsable", spec.Directories.ScriptPath], command.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(12), command.Timeout);
        Assert.Equal(BatchScriptBuilder.Build(spec), File.ReadAllText(spec.Directories.ScriptPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(spec.Directories.ScriptPath));
        Assert.True(Directory.Exists(spec.Directories.Output) && Directory.Exists(spec.Directories.Work));
    }

    [Fact]
    public async Task Submit_returns_id_without_cluster_suffix()
    {
        _runner.On("sbatch", 0, F("sbatch-parsable-cluster.txt"));
        Assert.Equal("17", await Cli().SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));
    }

    [Fact]
    public async Task Submit_refused_by_sbatch_is_a_scheduler_exception_with_its_stderr()
    {
        _runner.On("sbatch", 1, "", F("sbatch-invalid-partition.err"));
        var ex = await Assert.ThrowsAsync<SchedulerException>(() => Cli().SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));
        Assert.IsNotType<SchedulerUnavailableException>(ex);
        Assert.Contains("Invalid partition name specified", ex.Message);
        Assert.Contains("exit 1", ex.Message);
    }

    [Fact]
    public async Task Submit_with_controller_down_is_unavailable()
    {
        _runner.On("sbatch", 1, "", F("sbatch-controller-down.err"));
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));
        Assert.Contains("Unable to contact slurm controller", ex.Message);
    }

    [Fact]
    public async Task Submit_with_unreadable_output_is_unavailable_because_the_job_may_exist()
    {
        _runner.On("sbatch", 0, "Submitted batch job 12\n", "warning: something");
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));
        Assert.Contains("Submitted batch job 12", ex.Message);
        Assert.Contains("warning: something", ex.Message);
    }

    [Fact]
    public async Task Submit_timeout_is_unavailable()
    {
        _runner.TimesOut("sbatch");
        await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().SubmitAsync(Specs.Host(_temp.Combine("jobs")), CancellationToken.None));
    }

    [Fact]
    public async Task Submit_of_an_invalid_spec_never_runs_sbatch()
    {
        var spec = Specs.Host(_temp.Combine("jobs")) with { Resources = new ResourceSpec { Partition = "a b" } };
        await Assert.ThrowsAsync<JobRejectedException>(() => Cli().SubmitAsync(spec, CancellationToken.None));
        Assert.Empty(_runner.Commands);
    }

    // ---- query ----

    [Fact]
    public async Task Query_runs_one_squeue_and_one_sacct_for_many_ids()
    {
        _runner.On("squeue", 0, F("squeue-mixed.txt")).On("sacct", 0, F("sacct-usage-final.txt"));

        var result = await Cli().QueryAsync(["7", "8", "10", "130", "131", "99999", "7"], CancellationToken.None);

        Assert.Equal(2, _runner.Commands.Count);
        Assert.Equal(SqueueArgs, Assert.Single(_runner.CommandsFor("squeue")).Arguments);
        Assert.Equal([.. SacctUsagePrefix, "-j", "130,131,99999"], Assert.Single(_runner.CommandsFor("sacct")).Arguments);

        Assert.Equal(["10", "130", "131", "7", "8"], result.Keys.Order());
        Assert.Equal((SchedulerState.Running, "vm"), (result["7"].State, result["7"].Node));
        Assert.Equal((SchedulerState.Queued, "JobHeldUser"), (result["8"].State, result["8"].Reason));
        Assert.Equal(SchedulerState.Queued, result["10"].State);
        Assert.Null(result["7"].Usage);
        Assert.Equal((SchedulerState.Completed, "0:0"), (result["130"].State, result["130"].ExitCode));
        Assert.Equal((SchedulerState.Failed, "NON_ZERO_EXIT"), (result["131"].State, result["131"].FailureCode));
        Assert.Equal("aaaaaaaa-0000-4000-8000-0000000000a1", result["130"].Emx2JobId);
        // The usage of the same call: 5 s on 2 CPUs, 2.284 CPU-seconds used (the .batch step row is folded in).
        var usage = result["130"].Usage!;
        Assert.Equal((5.0, 2L, 10.0, 2.284, 1L), (usage.WallSeconds, usage.AllocCpus, usage.CpuCoreSecondsAllocated, usage.CpuCoreSecondsUsed, usage.AllocNodes));
        Assert.Equal((0.0, 0.0, "vm"), (usage.GpuSeconds, usage.MemoryGbSeconds, usage.NodeList));
        Assert.Equal(5.0 / 3600, usage.NodeHours, 9);
        Assert.Equal((1.0, 0.004, "3:0"), (result["131"].Usage!.CpuCoreSecondsAllocated, result["131"].Usage!.CpuCoreSecondsUsed, result["131"].Usage!.ExitCode));
    }

    [Fact]
    public async Task Query_skips_sacct_when_squeue_shows_every_id_in_progress()
    {
        _runner.On("squeue", 0, F("squeue-suspended.txt"));
        var result = await Cli().QueryAsync(["7", "9"], CancellationToken.None);
        Assert.Single(_runner.Commands);
        Assert.True(result["7"].Notable);
        Assert.Equal(SchedulerState.Running, result["7"].State);
    }

    [Fact]
    public async Task Query_of_nothing_runs_nothing()
    {
        Assert.Empty(await Cli().QueryAsync([], CancellationToken.None));
        Assert.Empty(await Cli().QueryAsync(["sim-1234abcd"], CancellationToken.None));
        Assert.Empty(_runner.Commands);
    }

    [Fact]
    public async Task Ids_in_neither_squeue_nor_sacct_are_absent()
    {
        _runner.On("squeue", 0, "").On("sacct", 0, "");
        Assert.Empty(await Cli().QueryAsync(["424242"], CancellationToken.None));
    }

    [Fact]
    public async Task Controller_down_is_unavailable_never_absent()
    {
        _runner.On("squeue", 1, "", F("squeue-controller-down.err"));
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().QueryAsync(["7"], CancellationToken.None));
        Assert.Contains("slurm_load_jobs error: Unable to contact slurm controller", ex.Message);
        Assert.Empty(_runner.CommandsFor("sacct"));
    }

    [Fact]
    public async Task Squeue_error_with_exit_zero_is_unavailable()
    {
        // Captured on 22.05: an unknown -u user prints an error, lists nothing and exits 0.
        _runner.On("squeue", 0, "", F("squeue-invalid-user.err"));
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().QueryAsync(["7"], CancellationToken.None));
        Assert.Contains("Invalid user", ex.Message);
    }

    [Fact]
    public async Task Accounting_down_is_unavailable()
    {
        _runner.On("squeue", 0, "").On("sacct", 1, "", F("sacct-dbd-down.err"));
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().QueryAsync(["5"], CancellationToken.None));
        Assert.Contains("Problem talking to the database", ex.Message);
    }

    [Fact]
    public async Task Accounting_disabled_error_suggests_the_option()
    {
        _runner.On("squeue", 0, "").On("sacct", 1, "", "sacct: error: Slurm accounting storage is disabled\n");
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().QueryAsync(["5"], CancellationToken.None));
        Assert.Contains("UseAccounting", ex.Message);
        Assert.Contains("slurm.use_accounting: false", ex.Message); // the key an operator actually sets
    }

    [Fact]
    public async Task Unreadable_output_is_unavailable()
    {
        _runner.On("squeue", 0, "garbage\n");
        await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().QueryAsync(["5"], CancellationToken.None));
    }

    [Fact]
    public async Task Timeouts_are_unavailable()
    {
        _runner.TimesOut("squeue");
        await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().QueryAsync(["5"], CancellationToken.None));
    }

    [Fact]
    public async Task A_finished_job_still_in_squeue_takes_its_verdict_from_sacct_with_squeue_as_fallback()
    {
        _runner.On("squeue", 0, F("squeue-all-states-cancelled.txt"))
            .On("sacct", 0, "14|CANCELLED by 1000|0:0|BeginTime|None assigned|00:00:00|x|00:00:00|billing=1,cpu=1,node=1||y\n");
        var result = await Cli().QueryAsync(["14", "15"], CancellationToken.None);
        Assert.Equal([.. SacctUsagePrefix, "-j", "14,15"], Assert.Single(_runner.CommandsFor("sacct")).Arguments);
        Assert.Equal(("CANCELLED by 1000", "1000"), (result["14"].RawState, result["14"].CancelledBy));
        Assert.Equal(("CANCELLED", SchedulerState.Cancelled), (result["15"].RawState, result["15"].State));
    }

    [Fact]
    public async Task Without_accounting_squeue_lists_all_states_and_sacct_is_never_called()
    {
        _runner.On("squeue", 0, F("squeue-all-states-cancelled.txt"));
        var cli = Cli(Options with { UseAccounting = false });
        var result = await cli.QueryAsync(["14", "99"], CancellationToken.None);
        Assert.Equal([.. SqueueArgs, "-t", "all"], Assert.Single(_runner.Commands).Arguments);
        Assert.Equal(SchedulerState.Cancelled, result["14"].State);
        Assert.False(result.ContainsKey("99"));

        var tagged = await cli.ListTaggedAsync(CancellationToken.None);
        Assert.Equal(["14", "15"], tagged.Select(j => j.SchedulerJobId).Order());
        Assert.Empty(_runner.CommandsFor("sacct"));
    }

    [Fact]
    public async Task Array_task_ids_can_be_queried_individually()
    {
        _runner.On("squeue", 0, F("squeue-array-task-running.txt")).On("sacct", 0, "");
        var result = await Cli().QueryAsync(["10_0", "10_1"], CancellationToken.None);
        Assert.Equal(SchedulerState.Running, result["10_0"].State);
        Assert.False(result.ContainsKey("10_1"));   // only the pending range "10_[1-2]" is printed
    }

    // ---- list tagged ----

    [Fact]
    public async Task List_tagged_merges_squeue_and_a_sacct_lookback_for_the_user_with_squeue_winning()
    {
        _runner.On("squeue", 0, F("squeue-mixed.txt")).On("sacct", 0, F("sacct-user-lookback.txt"));

        var jobs = await Cli().ListTaggedAsync(CancellationToken.None);

        Assert.Equal([.. SqueueArgs, "-t", "all"], Assert.Single(_runner.CommandsFor("squeue")).Arguments);
        Assert.Equal([.. SacctPrefix, "-u", "hpcsvc", "-S", "now-604800"], Assert.Single(_runner.CommandsFor("sacct")).Arguments);
        Assert.Equal(["10", "2", "5", "6", "7", "8", "9"], jobs.Select(j => j.SchedulerJobId).Order());
        Assert.All(jobs, j => Assert.NotNull(j.Emx2JobId));
        var seven = jobs.Single(j => j.SchedulerJobId == "7");
        Assert.Equal(SchedulerState.Running, seven.State);   // squeue still shows it running
        Assert.Equal("11111111-1111-4111-8111-111111111111", jobs.Single(j => j.SchedulerJobId == "2").Emx2JobId);
    }

    // ---- cancel ----

    [Fact]
    public async Task Cancel_runs_scancel_with_the_id()
    {
        _runner.On("scancel", 0);
        await Cli().CancelAsync("123", CancellationToken.None);
        Assert.Equal(["123"], Assert.Single(_runner.Commands).Arguments);
    }

    [Theory]
    [InlineData("scancel: error: Kill job error on job id 99999: Invalid job id specified\n")]
    [InlineData("scancel: error: Kill job error on job id 5: Job/step already completing or completed\n")]
    public async Task Cancelling_a_finished_or_unknown_job_is_not_an_error(string stderr)
    {
        _runner.On("scancel", 1, "", stderr);
        await Cli().CancelAsync("99999", CancellationToken.None);
    }

    [Fact]
    public async Task Cancel_with_controller_down_is_unavailable()
    {
        _runner.On("scancel", 8, "", F("scancel-controller-down.err"));
        await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Cli().CancelAsync("5", CancellationToken.None));
    }

    [Fact]
    public async Task Other_cancel_failures_are_scheduler_exceptions()
    {
        _runner.On("scancel", 1, "", "scancel: error: Kill job error on job id 5: Access/permission denied\n");
        var ex = await Assert.ThrowsAsync<SchedulerException>(() => Cli().CancelAsync("5", CancellationToken.None));
        Assert.IsNotType<SchedulerUnavailableException>(ex);
        Assert.Contains("permission denied", ex.Message);
    }

    [Fact]
    public async Task Cancel_refuses_non_slurm_ids_without_running_anything()
    {
        await Assert.ThrowsAsync<SchedulerException>(() => Cli().CancelAsync("5; rm -rf /", CancellationToken.None));
        Assert.Empty(_runner.Commands);
    }

    [Fact]
    public async Task Binary_names_come_from_options()
    {
        _runner.On("/opt/slurm/bin/squeue", 0, "");
        await Cli(Options with { Squeue = "/opt/slurm/bin/squeue", UseAccounting = false }).QueryAsync(["1"], CancellationToken.None);
        Assert.Equal("/opt/slurm/bin/squeue", Assert.Single(_runner.Commands).FileName);
    }
}
