using Emx2Hpc.Core.State;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Emx2Hpc.Tests.Unit.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2hpc-state-").FullName;
    private string DbPath => Path.Combine(_dir, "state.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static TrackedJob Job(string id, LocalPhase phase = LocalPhase.Claimed) => new()
    {
        JobId = id, Processor = "embed", Profile = "gpu", Phase = phase, Emx2Status = "CLAIMED",
        ClaimedAtUtc = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), TimeoutSeconds = 60,
    };

    [Fact]
    public void New_database_is_marked_recreated_and_at_current_schema()
    {
        using var store = StateStore.Open(DbPath);
        Assert.True(store.WasRecreated);
        Assert.Empty(store.ListJobs());
        using var conn = new SqliteConnection($"Data Source={DbPath}");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        Assert.Equal((long)Schema.Current, (long)cmd.ExecuteScalar()!);
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)cmd.ExecuteScalar()!);
    }

    [Fact]
    public void Only_the_first_open_of_a_new_database_reports_it_recreated()
    {
        using (var first = StateStore.Open(DbPath)) Assert.True(first.WasRecreated);
        using var second = StateStore.Open(DbPath);
        Assert.False(second.WasRecreated);
        Assert.NotNull(second.GetMeta("created_utc"));
    }

    [Fact]
    public void Jobs_round_trip_every_field_and_survive_reopen()
    {
        var job = Job("a") with
        {
            Phase = LocalPhase.Finishing, Emx2Status = "STARTED", SchedulerName = "slurm", SchedulerJobId = "42",
            SubmitAttempts = 2, SubmittingSinceUtc = DateTimeOffset.Parse("2026-11-21T10:01:00Z"), SubmissionTimeoutSeconds = 300,
            TerminalStatus = "FAILED", TerminalDetail = "slurm_state=TIMEOUT", CollectOutputs = false, ProgressOffset = 123,
            ProgressFingerprint = "fp", UnknownSinceUtc = DateTimeOffset.Parse("2026-11-21T10:02:00Z"),
            LastNotableReportUtc = DateTimeOffset.Parse("2026-11-21T10:03:00Z"), LastNotableState = "SUSPENDED",
            JobJson = "{\"id\":\"a\"}", WorkDir = "/tmp/x",
        };
        using (var store = StateStore.Open(DbPath)) store.Upsert(job);
        using (var store = StateStore.Open(DbPath))
        {
            Assert.False(store.WasRecreated);
            var read = store.GetJob("a")!;
            Assert.Equal(job with { CreatedUtc = read.CreatedUtc, UpdatedUtc = read.UpdatedUtc }, read);
        }
    }

    [Fact]
    public void Outbox_keeps_sequence_order_and_acknowledges_individually()
    {
        using var store = StateStore.Open(DbPath);
        var s1 = store.Enqueue("a", ReportKind.Transition, "SUBMITTED", "{\"status\":\"SUBMITTED\"}");
        var s2 = store.Enqueue("b", ReportKind.Transition, "SUBMITTED", "{}");
        var s3 = store.Enqueue("a", ReportKind.Complete, "COMPLETED", "{\"status\":\"COMPLETED\"}");
        Assert.Equal([s1, s2, s3], store.PendingReports().Select(e => e.Sequence));
        Assert.Equal(["SUBMITTED", "COMPLETED"], store.PendingReports("a").Select(e => e.TargetStatus));
        store.RecordAttempt(s1, "503 Service Unavailable");
        Assert.Equal(1, store.PendingReports("a")[0].Attempts);
        Assert.Equal("503 Service Unavailable", store.PendingReports("a")[0].LastError);
        store.Acknowledge(s1);
        Assert.Equal([s3], store.PendingReports("a").Select(e => e.Sequence));
        store.DropReports("a");
        Assert.Equal([s2], store.PendingReports().Select(e => e.Sequence));
    }

    [Fact]
    public void Transaction_rolls_back_state_change_and_report_together()
    {
        using var store = StateStore.Open(DbPath);
        Assert.Throws<InvalidOperationException>(() => store.InTransaction(tx =>
        {
            tx.Upsert(Job("a", LocalPhase.Submitted));
            tx.Enqueue("a", ReportKind.Transition, "SUBMITTED", "{}");
            throw new InvalidOperationException("crash between the two writes");
        }));
        Assert.Null(store.GetJob("a"));
        Assert.Empty(store.PendingReports());
    }

    [Fact]
    public void Uploads_and_files_are_remembered_until_the_job_is_removed()
    {
        using var store = StateStore.Open(DbPath);
        store.Upsert(Job("a"));
        store.SaveUpload(new ArtifactUpload { JobId = "a", Role = ArtifactRole.Output, Residence = "managed", State = UploadState.Creating });
        store.SaveUpload(new ArtifactUpload { JobId = "a", Role = ArtifactRole.Output, ArtifactId = "art", Residence = "managed", State = UploadState.Created });
        store.MarkFileUploaded("a", ArtifactRole.Output, "x/y.txt", "abc");
        Assert.Equal("art", store.GetUpload("a", ArtifactRole.Output)!.ArtifactId);
        Assert.Null(store.GetUpload("a", ArtifactRole.Log));
        Assert.Equal("abc", store.UploadedFiles("a", ArtifactRole.Output)["x/y.txt"]);
        store.InTransaction(tx => { tx.Remove("a"); tx.RecordFinished("a", "COMPLETED", "42", "art", null); });
        Assert.Null(store.GetUpload("a", ArtifactRole.Output));
        Assert.Empty(store.UploadedFiles("a", ArtifactRole.Output));
        Assert.True(store.IsFinished("a"));
    }

    [Fact]
    public void Corrupt_database_is_quarantined_with_its_wal_and_recreated()
    {
        using (var store = StateStore.Open(DbPath)) store.Upsert(Job("a"));
        SqliteConnection.ClearAllPools();
        File.WriteAllBytes(DbPath, "this is not a sqlite database, it is garbage garbage garbage"u8.ToArray().Concat(new byte[4096]).ToArray());
        File.WriteAllText(DbPath + "-wal", "junk");
        using var reopened = StateStore.Open(DbPath);
        Assert.True(reopened.WasRecreated);
        Assert.NotNull(reopened.QuarantinedAs);
        Assert.True(File.Exists(reopened.QuarantinedAs));
        // SQLite itself discards a WAL with an invalid header, so only the main file is certain to be kept.
        Assert.StartsWith("this is not a sqlite database", File.ReadAllText(reopened.QuarantinedAs!));
        Assert.False(File.Exists(DbPath + "-wal") && File.ReadAllText(DbPath + "-wal") == "junk");
        Assert.Empty(reopened.ListJobs());
        reopened.Upsert(Job("b"));
        Assert.NotNull(reopened.GetJob("b"));
    }

    [Fact]
    public void Newer_schema_is_refused_with_a_clear_message()
    {
        using (var conn = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA user_version=99";
            cmd.ExecuteNonQuery();
        }
        var ex = Assert.Throws<InvalidOperationException>(() => StateStore.Open(DbPath));
        Assert.Contains("v99", ex.Message);
    }

    [Fact]
    public void Meta_values_upsert()
    {
        using var store = StateStore.Open(DbPath);
        Assert.Null(store.GetMeta("k"));
        store.SetMeta("k", "1");
        store.SetMeta("k", "2");
        Assert.Equal("2", store.GetMeta("k"));
    }
}
