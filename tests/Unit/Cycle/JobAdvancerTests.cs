using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Cycle;

/// <summary>The one writer of job rows: the row and its report commit together or not at all.</summary>
public sealed class JobAdvancerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2hpc-advancer-").FullName;
    private readonly StateStore _store;
    private readonly JobAdvancer _advancer;

    public JobAdvancerTests()
    {
        _store = StateStore.Open(DbPath);
        _advancer = new JobAdvancer(_store);
    }

    private string DbPath => Path.Combine(_dir, "state.db");

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static TransitionRequest Report(string status) => new() { Status = status, WorkerId = "w", Detail = "d" };

    private TrackedJob Claimed() =>
        _advancer.Advance(null, JobLifecycle.Claim(new TrackedJob { JobId = "job-1", Emx2Status = "CLAIMED", Profile = "gpu" }));

    [Fact]
    public void A_phase_change_and_its_report_are_written_together()
    {
        var claimed = Claimed();
        var submitting = _advancer.Advance(claimed, JobLifecycle.BeginSubmit(claimed, DateTimeOffset.UnixEpoch, "slurm"));
        var submitted = _advancer.Advance(submitting, JobLifecycle.Submitted(submitting, "42", "slurm"), Report("SUBMITTED"));

        var row = _store.GetJob("job-1")!;
        Assert.Equal((LocalPhase.Submitted, "42", "SUBMITTED"), (row.Phase, row.SchedulerJobId, row.Emx2Status));
        var entry = Assert.Single(_store.PendingReports("job-1"));
        Assert.Equal((ReportKind.Transition, "SUBMITTED"), (entry.Kind, entry.TargetStatus));
        Assert.Equal(submitted with { CreatedUtc = row.CreatedUtc, UpdatedUtc = row.UpdatedUtc }, row);
    }

    [Fact]
    public void The_report_that_takes_a_job_to_done_is_its_complete()
    {
        var claimed = Claimed();
        var finishing = _advancer.Advance(claimed, JobLifecycle.Finish(claimed, "FAILED", "no profile", collectOutputs: false));
        _advancer.Advance(finishing, JobLifecycle.Done(finishing, "FAILED"), Report("FAILED"));
        var entry = Assert.Single(_store.PendingReports("job-1"));
        Assert.Equal((ReportKind.Complete, "FAILED"), (entry.Kind, entry.TargetStatus));
    }

    [Fact]
    public void A_failed_report_insert_leaves_the_job_row_unchanged()
    {
        var claimed = Claimed();
        using (var admin = new SqliteConnection($"Data Source={DbPath}"))
        {
            admin.Open();
            using var cmd = admin.CreateCommand();
            cmd.CommandText = "CREATE TRIGGER refuse_reports BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END;";
            cmd.ExecuteNonQuery();
        }

        var finishing = JobLifecycle.Finish(claimed, "FAILED", "why", collectOutputs: false);
        var finished = _advancer.Advance(claimed, finishing);
        var ex = Assert.Throws<SqliteException>(() => _advancer.Advance(finished, JobLifecycle.Done(finished, "FAILED"), Report("FAILED")));
        Assert.Contains("outbox refused", ex.Message);

        var row = _store.GetJob("job-1")!;
        Assert.Equal(LocalPhase.Finishing, row.Phase);
        Assert.Equal(finishing with { CreatedUtc = row.CreatedUtc, UpdatedUtc = row.UpdatedUtc }, row);
        Assert.Empty(_store.PendingReports());
    }

    [Fact]
    public void A_failing_write_alongside_rolls_back_the_row_and_the_report()
    {
        var claimed = Claimed();
        var ex = Assert.Throws<InvalidOperationException>(() => _advancer.Advance(claimed,
            JobLifecycle.BeginSubmit(claimed, DateTimeOffset.UnixEpoch, "slurm"), Report("CLAIMED"), _ => throw new InvalidOperationException("audit failed")));
        Assert.Equal("audit failed", ex.Message);
        Assert.Equal(LocalPhase.Claimed, _store.GetJob("job-1")!.Phase);
        Assert.Empty(_store.PendingReports());
    }

    [Fact]
    public void A_row_that_skips_an_edge_is_refused_before_anything_is_written()
    {
        var claimed = Claimed();
        var running = JobLifecycle.Started(JobLifecycle.Submitted(JobLifecycle.BeginSubmit(claimed, DateTimeOffset.UnixEpoch, "slurm"), "1", "slurm"));
        var ex = Assert.Throws<InvalidOperationException>(() => _advancer.Advance(claimed, running, Report("STARTED")));
        Assert.Equal("job job-1: illegal lifecycle change claimed -> running; from claimed a job may go to submitting, finishing", ex.Message);
        Assert.Equal(LocalPhase.Claimed, _store.GetJob("job-1")!.Phase);
        Assert.Empty(_store.PendingReports());

        var doneElsewhere = JobLifecycle.Done(JobLifecycle.Finish(claimed with { JobId = "job-2" }, "FAILED", "x", collectOutputs: false), "FAILED");
        ex = Assert.Throws<InvalidOperationException>(() => _advancer.Advance(null, doneElsewhere));
        Assert.StartsWith("job job-2: illegal lifecycle change untracked -> done", ex.Message);
        Assert.Null(_store.GetJob("job-2"));
    }

    [Fact]
    public void A_write_that_keeps_the_phase_is_not_a_change()
    {
        var claimed = Claimed();
        var submitting = _advancer.Advance(claimed, JobLifecycle.BeginSubmit(claimed, DateTimeOffset.UnixEpoch, "slurm"));
        var submitted = _advancer.Advance(submitting, JobLifecycle.Submitted(submitting, "1", "slurm"));
        var running = _advancer.Advance(submitted, JobLifecycle.Started(submitted));
        _advancer.Advance(running, running with { ProgressOffset = 10, ProgressFingerprint = "fp" }, Report("STARTED"));
        Assert.Equal((LocalPhase.Running, 10L), (_store.GetJob("job-1")!.Phase, _store.GetJob("job-1")!.ProgressOffset));
        Assert.Single(_store.PendingReports("job-1"));
    }

    [Fact]
    public void The_row_of_another_job_is_refused()
    {
        var claimed = Claimed();
        var ex = Assert.Throws<InvalidOperationException>(() => _advancer.Advance(claimed, claimed with { JobId = "job-2" }));
        Assert.Equal("job job-1 cannot be advanced with the row of job job-2", ex.Message);
        Assert.Null(_store.GetJob("job-2"));
    }
}
