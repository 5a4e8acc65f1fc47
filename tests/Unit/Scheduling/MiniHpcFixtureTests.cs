using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>The parsers, the state map and SlurmCli's verdict over what the mini HPC cluster (e2e/minihpc: three
/// compute nodes, JobRequeue=1) really printed during the tests/MiniHpc scenarios; provenance in
/// Fixtures/slurm/22.05/minihpc/PROVENANCE.md.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MiniHpcFixtureTests
{
    private static string F(string file) => Fixtures.Slurm("22.05", Path.Combine("minihpc", file));

    private static SchedulerJobInfo Live(string file) => Single(SqueueParser.Parse(F(file)), SlurmStateSource.Live);

    private static SchedulerJobInfo Accounted(string file) => Single(SacctParser.Parse(F(file)), SlurmStateSource.Accounting);

    private static SchedulerJobInfo Single(IReadOnlyList<SlurmJobRow> rows, SlurmStateSource source)
    {
        var id = Assert.Single(rows.Select(r => r.Id.BaseId).Distinct());
        return SlurmJobInfoFactory.Create(id, rows, source)!;
    }

    [Fact]
    public void Right_after_the_node_went_down_squeue_says_pending_while_accounting_already_says_NODE_FAIL()
    {
        var live = Live("node-failure-0.3s-after-down.squeue.txt");
        var accounted = Accounted("node-failure-0.3s-after-down.sacct.txt");

        Assert.Equal(SchedulerState.Queued, live.State);
        // Read alone, the accounting record of the dead attempt is a failure ...
        Assert.Equal((SchedulerState.Failed, "NODE_FAIL", "node-0"), (accounted.State, accounted.FailureCode, accounted.Node));
    }

    [Fact]
    public async Task SlurmCli_lets_squeue_speak_for_the_requeued_job_and_does_not_ask_accounting()
    {
        // ... which is why the worker asks sacct only about jobs squeue no longer holds in progress.
        var runner = new FakeProcessRunner()
            .On("squeue", 0, F("node-failure-0.3s-after-down.squeue.txt"))
            .On("sacct", 0, F("node-failure-0.3s-after-down.sacct.txt"));
        var cli = new SlurmCli(runner, new SlurmCliOptions { User = "hpcsvc" });

        var info = (await cli.QueryAsync(["14"], CancellationToken.None))["14"];

        Assert.Equal(SchedulerState.Queued, info.State);
        Assert.Null(info.FailureCode);
        Assert.Empty(runner.CommandsFor("sacct"));
    }

    [Fact]
    public void The_requeued_job_waits_for_its_begin_time_and_accounting_shows_the_dead_attempt_only_with_duplicates()
    {
        var live = Live("node-failure-3-requeued.squeue.txt");
        Assert.Equal((SchedulerState.Queued, "BeginTime"), (live.State, live.Reason));

        Assert.Equal("PENDING", Assert.Single(SacctParser.Parse(F("node-failure-3-requeued.sacct.txt"))).State);
        var attempts = SacctParser.Parse(F("node-failure-3-requeued.sacct-D.txt"));
        Assert.Equal([("NODE_FAIL", "node-0"), ("PENDING", "None assigned")], attempts.Select(r => (r.State, r.Node)));
        Assert.Single(attempts.Select(r => r.JobId).Distinct()); // one job id for both attempts: not a new submission
        Assert.Equal(SchedulerState.Queued, Single(attempts, SlurmStateSource.Accounting).State);
    }

    [Fact]
    public void The_rerun_on_another_node_completes_and_its_earlier_NODE_FAIL_attempt_never_fails_it()
    {
        Assert.Equal((SchedulerState.Running, "node-1"), (Live("node-failure-4-rerunning.squeue.txt").State, Live("node-failure-4-rerunning.squeue.txt").Node));

        var final = Accounted("node-failure-5-final.sacct.txt");
        Assert.Equal((SchedulerState.Completed, "node-1"), (final.State, final.Node));
        Assert.Equal(SchedulerState.Completed, Live("node-failure-5-final.squeue.txt").State);

        var withDuplicates = Accounted("node-failure-5-final.sacct-D.txt");
        Assert.Equal(SchedulerState.Completed, withDuplicates.State);
        Assert.Null(withDuplicates.FailureCode);
    }

    [Fact]
    public void A_job_just_started_may_be_absent_from_accounting_while_squeue_shows_it_running()
    {
        Assert.Equal(SchedulerState.Running, Live("node-failure-1-running.squeue.txt").State);
        Assert.Empty(SacctParser.Parse(F("node-failure-1-running.sacct.txt")));
    }

    [Fact]
    public void Jobs_waiting_on_drained_nodes_are_queued_and_not_notable()
    {
        var live = Live("drain-1-pending.squeue.txt");
        Assert.Equal(SchedulerState.Queued, live.State);
        Assert.False(live.Notable);
        Assert.StartsWith("Nodes required for job are DOWN, DRAINED", live.Reason);

        var accounted = Accounted("drain-1-pending.sacct.txt");
        Assert.Equal((SchedulerState.Queued, "ReqNodeNotAvail"), (accounted.State, accounted.Reason));
        Assert.Equal(SchedulerState.Completed, Accounted("drain-2-final.sacct.txt").State);
    }

    [Fact]
    public void A_real_failure_is_failed_with_its_exit_code_and_node()
    {
        var live = Live("failure-final.squeue.txt");
        Assert.Equal((SchedulerState.Failed, "NonZeroExitCode"), (live.State, live.Reason));

        var accounted = Accounted("failure-final.sacct.txt");
        Assert.Equal((SchedulerState.Failed, SlurmStateMap.NonZeroExit, "3:0"), (accounted.State, accounted.FailureCode, accounted.ExitCode));
        Assert.Contains("exit_code=3:0", accounted.Detail);
        Assert.Contains("node=node-", accounted.Detail);
    }

    [Fact]
    public void Twelve_jobs_on_three_one_cpu_nodes_three_run_and_the_rest_wait_without_anything_notable()
    {
        var rows = SqueueParser.Parse(F("spread-1-queued.squeue.txt"));
        Assert.Equal(12, rows.Count);
        var infos = rows.Select(r => SlurmJobInfoFactory.Create(r.Id.BaseId, [r], SlurmStateSource.Live)!).ToList();
        Assert.Equal(3, infos.Count(i => i.State == SchedulerState.Running));
        Assert.Equal(3, infos.Where(i => i.State == SchedulerState.Running).Select(i => i.Node).Distinct().Count());
        Assert.All(infos.Where(i => i.State != SchedulerState.Running), i => Assert.Equal(SchedulerState.Queued, i.State));
        Assert.All(infos, i => Assert.False(i.Notable));
        Assert.All(rows, r => Assert.NotNull(r.Emx2JobId));

        var final = SacctParser.Parse(F("spread-2-final.sacct.txt"));
        Assert.Equal(12, final.Count);
        Assert.All(final, r => Assert.Equal(SchedulerState.Completed, SlurmStateMap.Map(r.State, r.ExitCode, SlurmStateSource.Accounting).State));
        Assert.True(final.Select(r => r.Node).Distinct().Count() >= 2);
    }

    [Fact]
    public void A_returned_node_runs_the_job_it_is_given()
    {
        var final = Accounted("node-returns-final.sacct.txt");
        Assert.Equal((SchedulerState.Completed, "node-2"), (final.State, final.Node));
    }
}
