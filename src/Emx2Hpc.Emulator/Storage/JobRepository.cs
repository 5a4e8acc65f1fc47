using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Storage.Records;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

internal sealed class JobRepository(DbSession db)
{
    private const string Columns = """
        id, processor, profile, parameters, status, worker_id, inputs, slurm_job_id, submit_user, created_at,
        claimed_at, submitted_at, started_at, completed_at, phase, message, progress, timeout_seconds,
        output_artifact_id, log_artifact_id
        """;

    public void Insert(JobRecord job) =>
        db.Execute($"INSERT INTO jobs ({Columns}) VALUES ($id, $processor, $profile, $parameters, $status, $worker_id, " +
                   "$inputs, $slurm_job_id, $submit_user, $created_at, $claimed_at, $submitted_at, $started_at, $completed_at, " +
                   "$phase, $message, $progress, $timeout_seconds, $output_artifact_id, $log_artifact_id)", Args(job));

    /// <summary>Writes every mutable column of <paramref name="job"/>.</summary>
    public void Update(JobRecord job) =>
        db.Execute("""
            UPDATE jobs SET status = $status, worker_id = $worker_id, slurm_job_id = $slurm_job_id,
              claimed_at = $claimed_at, submitted_at = $submitted_at, started_at = $started_at, completed_at = $completed_at,
              phase = $phase, message = $message, progress = $progress,
              output_artifact_id = $output_artifact_id, log_artifact_id = $log_artifact_id
            WHERE id = $id
            """, Args(job));

    public JobRecord? Find(string id) => db.QuerySingle($"SELECT {Columns} FROM jobs WHERE id = $id", Map, ("$id", id));

    /// <summary>Step 1 of a claim (SERVER-SPEC §7.1): the conditional update only one claimant can win.</summary>
    public bool TryClaim(string id, string workerId, string now) =>
        db.Execute("UPDATE jobs SET status = $claimed, worker_id = $worker, claimed_at = $now WHERE id = $id AND status = $pending",
            ("$claimed", JobStatus.Claimed), ("$worker", workerId), ("$now", now), ("$id", id), ("$pending", JobStatus.Pending)) == 1;

    /// <summary>Jobs a worker holds in CLAIMED/SUBMITTED/STARTED, across all processors (capacity check).</summary>
    public int CountInFlight(string workerId) =>
        (int)db.Scalar<long>("SELECT COUNT(*) FROM jobs WHERE worker_id = $w AND status IN ($c, $s, $t)",
            ("$w", workerId), ("$c", JobStatus.Claimed), ("$s", JobStatus.Submitted), ("$t", JobStatus.Started));

    public (List<JobRecord> Items, int Total) List(string status, string? processor, string? profile, int limit, int offset)
    {
        const string filter = "status = $status AND ($processor IS NULL OR processor = $processor) AND ($profile IS NULL OR profile = $profile)";
        (string, object?)[] args = [("$status", status), ("$processor", processor), ("$profile", profile)];
        var total = (int)db.Scalar<long>($"SELECT COUNT(*) FROM jobs WHERE {filter}", args);
        var items = db.Query($"SELECT {Columns} FROM jobs WHERE {filter} ORDER BY created_at, id LIMIT $limit OFFSET $offset", Map,
            [.. args, ("$limit", limit == 0 ? -1 : limit), ("$offset", offset)]);
        return (items, total);
    }

    public List<JobRecord> ListAll() => db.Query($"SELECT {Columns} FROM jobs ORDER BY created_at, seq", Map);

    public void Delete(string id) => db.Execute("DELETE FROM jobs WHERE id = $id", ("$id", id));

    /// <summary>Worker deletion detaches its jobs (status untouched).</summary>
    public void DetachWorker(string workerId) =>
        db.Execute("UPDATE jobs SET worker_id = NULL WHERE worker_id = $w", ("$w", workerId));

    /// <summary>Artifact deletion nulls the references of jobs that produced it.</summary>
    public void DetachArtifact(string artifactId)
    {
        db.Execute("UPDATE jobs SET output_artifact_id = NULL WHERE output_artifact_id = $a", ("$a", artifactId));
        db.Execute("UPDATE jobs SET log_artifact_id = NULL WHERE log_artifact_id = $a", ("$a", artifactId));
    }

    private static (string, object?)[] Args(JobRecord j) =>
    [
        ("$id", j.Id), ("$processor", j.Processor), ("$profile", j.Profile), ("$parameters", j.ParametersJson),
        ("$status", j.Status), ("$worker_id", j.WorkerId), ("$inputs", j.InputsJson), ("$slurm_job_id", j.SlurmJobId),
        ("$submit_user", j.SubmitUser), ("$created_at", j.CreatedAt), ("$claimed_at", j.ClaimedAt),
        ("$submitted_at", j.SubmittedAt), ("$started_at", j.StartedAt), ("$completed_at", j.CompletedAt),
        ("$phase", j.Phase), ("$message", j.Message), ("$progress", j.Progress), ("$timeout_seconds", j.TimeoutSeconds),
        ("$output_artifact_id", j.OutputArtifactId), ("$log_artifact_id", j.LogArtifactId),
    ];

    private static JobRecord Map(SqliteDataReader r) => new()
    {
        Id = r.Req("id"),
        Processor = r.Req("processor"),
        Profile = r.Str("profile"),
        ParametersJson = r.Str("parameters"),
        Status = r.Req("status"),
        WorkerId = r.Str("worker_id"),
        InputsJson = r.Str("inputs"),
        SlurmJobId = r.Str("slurm_job_id"),
        SubmitUser = r.Str("submit_user"),
        CreatedAt = r.Req("created_at"),
        ClaimedAt = r.Str("claimed_at"),
        SubmittedAt = r.Str("submitted_at"),
        StartedAt = r.Str("started_at"),
        CompletedAt = r.Str("completed_at"),
        Phase = r.Str("phase"),
        Message = r.Str("message"),
        Progress = r.Double("progress"),
        TimeoutSeconds = r.Int("timeout_seconds"),
        OutputArtifactId = r.Str("output_artifact_id"),
        LogArtifactId = r.Str("log_artifact_id"),
    };
}
