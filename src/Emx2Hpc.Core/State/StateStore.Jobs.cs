using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

public sealed partial class StateStore
{
    private const string JobColumns =
        "job_id, processor, profile, phase, emx2_status, scheduler_name, scheduler_job_id, submit_attempts, submitting_since_utc, " +
        "claimed_at_utc, timeout_seconds, submission_timeout_seconds, terminal_status, terminal_detail, collect_outputs, " +
        "progress_offset, progress_fingerprint, unknown_since_utc, last_notable_report_utc, last_notable_state, job_json, work_dir, " +
        "created_utc, updated_utc";

    public IReadOnlyList<TrackedJob> ListJobs() => Query(Cmd($"SELECT {JobColumns} FROM tracked_jobs ORDER BY created_utc, job_id"), ReadJob);

    public TrackedJob? GetJob(string jobId) =>
        Query(Cmd($"SELECT {JobColumns} FROM tracked_jobs WHERE job_id=$id", ("$id", jobId)), ReadJob).FirstOrDefault();

    /// <summary>Writes a row outside any transaction. The cycle writes rows only through <c>Cycle.JobAdvancer</c> (which
    /// enforces <see cref="JobLifecycle"/>); this seeds a store in tests.</summary>
    internal void Upsert(TrackedJob job) => UpsertJob(job, null);

    public void Remove(string jobId) => RemoveJob(jobId, null);

    internal void UpsertJob(TrackedJob job, SqliteTransaction? tx)
    {
        var now = DateTimeOffset.UtcNow;
        var created = job.CreatedUtc == default ? now : job.CreatedUtc;
        Execute(Cmd($"""
            INSERT INTO tracked_jobs ({JobColumns}) VALUES ($id,$proc,$prof,$phase,$st,$sn,$sid,$att,$subsince,$claimed,$to,$subto,$ts,$td,$co,$po,$pf,$unk,$nrep,$nstate,$json,$wd,$created,$updated)
            ON CONFLICT(job_id) DO UPDATE SET processor=excluded.processor, profile=excluded.profile, phase=excluded.phase,
              emx2_status=excluded.emx2_status, scheduler_name=excluded.scheduler_name, scheduler_job_id=excluded.scheduler_job_id,
              submit_attempts=excluded.submit_attempts, submitting_since_utc=excluded.submitting_since_utc, claimed_at_utc=excluded.claimed_at_utc,
              timeout_seconds=excluded.timeout_seconds, submission_timeout_seconds=excluded.submission_timeout_seconds,
              terminal_status=excluded.terminal_status, terminal_detail=excluded.terminal_detail, collect_outputs=excluded.collect_outputs,
              progress_offset=excluded.progress_offset, progress_fingerprint=excluded.progress_fingerprint, unknown_since_utc=excluded.unknown_since_utc,
              last_notable_report_utc=excluded.last_notable_report_utc, last_notable_state=excluded.last_notable_state,
              job_json=excluded.job_json, work_dir=excluded.work_dir, updated_utc=excluded.updated_utc
            """,
            ("$id", job.JobId), ("$proc", job.Processor), ("$prof", job.Profile), ("$phase", job.Phase.ToString()),
            ("$st", job.Emx2Status), ("$sn", job.SchedulerName), ("$sid", job.SchedulerJobId), ("$att", job.SubmitAttempts),
            ("$subsince", Iso(job.SubmittingSinceUtc)), ("$claimed", Iso(job.ClaimedAtUtc)), ("$to", job.TimeoutSeconds),
            ("$subto", job.SubmissionTimeoutSeconds), ("$ts", job.TerminalStatus), ("$td", job.TerminalDetail),
            ("$co", job.CollectOutputs ? 1 : 0), ("$po", job.ProgressOffset), ("$pf", job.ProgressFingerprint),
            ("$unk", Iso(job.UnknownSinceUtc)), ("$nrep", Iso(job.LastNotableReportUtc)), ("$nstate", job.LastNotableState),
            ("$json", job.JobJson), ("$wd", job.WorkDir), ("$created", Iso(created)), ("$updated", Iso(now))), tx);
    }

    internal void RemoveJob(string jobId, SqliteTransaction? tx)
    {
        Execute(Cmd("DELETE FROM tracked_jobs WHERE job_id=$id", ("$id", jobId)), tx);
        Execute(Cmd("DELETE FROM artifact_uploads WHERE job_id=$id", ("$id", jobId)), tx);
        Execute(Cmd("DELETE FROM uploaded_files WHERE job_id=$id", ("$id", jobId)), tx);
        Execute(Cmd("DELETE FROM job_usage WHERE job_id=$id", ("$id", jobId)), tx);
    }

    /// <summary>Remembers how a job ended after its row is gone, so a late duplicate observation (a second
    /// cron run, an adoption pass) never resurrects it.</summary>
    internal void RecordFinished(string jobId, string finalStatus, string? schedulerJobId, string? outputArtifactId, string? logArtifactId, SqliteTransaction? tx) =>
        Execute(Cmd("""
            INSERT INTO finished_jobs(job_id, final_status, scheduler_job_id, output_artifact_id, log_artifact_id, finished_utc)
            VALUES ($id,$st,$sid,$out,$log,$now)
            ON CONFLICT(job_id) DO UPDATE SET final_status=excluded.final_status, finished_utc=excluded.finished_utc
            """, ("$id", jobId), ("$st", finalStatus), ("$sid", schedulerJobId), ("$out", outputArtifactId), ("$log", logArtifactId),
            ("$now", Iso(DateTimeOffset.UtcNow))), tx);

    public bool IsFinished(string jobId) =>
        Query(Cmd("SELECT 1 FROM finished_jobs WHERE job_id=$id", ("$id", jobId)), _ => 1).Count > 0;

    public IReadOnlyList<(string JobId, string FinalStatus, DateTimeOffset FinishedUtc)> ListFinished() =>
        Query(Cmd("SELECT job_id, final_status, finished_utc FROM finished_jobs ORDER BY finished_utc"),
            r => (r.GetString(0), r.GetString(1), ParseIso(r, 2)!.Value));

    /// <summary>Reads a row by column name, so adding or reordering a column in <see cref="JobColumns"/> cannot
    /// shift a value into the wrong field.</summary>
    private static TrackedJob ReadJob(SqliteDataReader r)
    {
        string? Text(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
        int? Int(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetInt32(r.GetOrdinal(column));
        DateTimeOffset? Time(string column) => ParseIso(r, r.GetOrdinal(column));
        return new TrackedJob
        {
            JobId = Text("job_id")!,
            Processor = Text("processor"),
            Profile = Text("profile"),
            Phase = Enum.Parse<LocalPhase>(Text("phase")!),
            Emx2Status = Text("emx2_status")!,
            SchedulerName = Text("scheduler_name"),
            SchedulerJobId = Text("scheduler_job_id"),
            SubmitAttempts = Int("submit_attempts")!.Value,
            SubmittingSinceUtc = Time("submitting_since_utc"),
            ClaimedAtUtc = Time("claimed_at_utc"),
            TimeoutSeconds = Int("timeout_seconds"),
            SubmissionTimeoutSeconds = Int("submission_timeout_seconds"),
            TerminalStatus = Text("terminal_status"),
            TerminalDetail = Text("terminal_detail"),
            CollectOutputs = Int("collect_outputs")!.Value != 0,
            ProgressOffset = r.GetInt64(r.GetOrdinal("progress_offset")),
            ProgressFingerprint = Text("progress_fingerprint"),
            UnknownSinceUtc = Time("unknown_since_utc"),
            LastNotableReportUtc = Time("last_notable_report_utc"),
            LastNotableState = Text("last_notable_state"),
            Claim = Text("job_json") is { } json ? ClaimedJob.FromStored(json, Text("job_id")) : null,
            WorkDir = Text("work_dir"),
            CreatedUtc = Time("created_utc")!.Value,
            UpdatedUtc = Time("updated_utc")!.Value,
        };
    }
}
