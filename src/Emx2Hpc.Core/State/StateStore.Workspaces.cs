namespace Emx2Hpc.Core.State;

/// <summary>Where a job's directory is in its life (table job_workspaces). Creating is written before mkdir, so a
/// directory found after a crash can be told apart from one somebody else planted; Released (after EMX2 acknowledged
/// the final report) starts the retention clock; the row is deleted once the directory is gone.</summary>
public enum WorkspaceState { Creating, Ready, Released }

public sealed record JobWorkspaceRow(string JobId, string Path, WorkspaceState State, int FinishAttempts, string? LastFinishError,
    DateTimeOffset? ReleasedUtc);

public sealed partial class StateStore
{
    public JobWorkspaceRow? GetWorkspace(string jobId) =>
        Query(Cmd("SELECT job_id, path, state, finish_attempts, last_finish_error, released_utc FROM job_workspaces WHERE job_id=$id",
            ("$id", jobId)), ReadWorkspace).FirstOrDefault();

    public IReadOnlyList<JobWorkspaceRow> ReleasedWorkspaces(DateTimeOffset releasedBefore) =>
        Query(Cmd("SELECT job_id, path, state, finish_attempts, last_finish_error, released_utc FROM job_workspaces WHERE state='Released' AND released_utc <= $before ORDER BY released_utc",
            ("$before", Iso(releasedBefore))), ReadWorkspace);

    public void SetWorkspaceState(string jobId, string path, WorkspaceState state) =>
        Execute(Cmd("""
            INSERT INTO job_workspaces(job_id, path, state, created_utc) VALUES ($id,$path,$state,$now)
            ON CONFLICT(job_id) DO UPDATE SET state=excluded.state, path=excluded.path
            """, ("$id", jobId), ("$path", path), ("$state", state.ToString()), ("$now", Iso(DateTimeOffset.UtcNow))));

    /// <summary>Counts one failed attempt at collecting and publishing a job's results; returns the new count.</summary>
    public int RecordFinishFailure(string jobId, string path, string error)
    {
        Execute(Cmd("""
            INSERT INTO job_workspaces(job_id, path, state, finish_attempts, last_finish_error, created_utc) VALUES ($id,$path,'Ready',1,$err,$now)
            ON CONFLICT(job_id) DO UPDATE SET finish_attempts=finish_attempts+1, last_finish_error=excluded.last_finish_error
            """, ("$id", jobId), ("$path", path), ("$err", error), ("$now", Iso(DateTimeOffset.UtcNow))));
        return GetWorkspace(jobId)?.FinishAttempts ?? 1;
    }

    internal void ReleaseWorkspace(string jobId, DateTimeOffset now, Microsoft.Data.Sqlite.SqliteTransaction? tx) =>
        Execute(Cmd("UPDATE job_workspaces SET state='Released', released_utc=$now WHERE job_id=$id",
            ("$id", jobId), ("$now", Iso(now))), tx);

    /// <summary>The directory is gone: its row goes, and with it the records of the posix input views it held.</summary>
    public void ForgetWorkspace(string jobId) => Execute(Cmd(
        "DELETE FROM job_workspaces WHERE job_id=$id; DELETE FROM posix_input_views WHERE job_id=$id;", ("$id", jobId)));

    private static JobWorkspaceRow ReadWorkspace(Microsoft.Data.Sqlite.SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), Enum.Parse<WorkspaceState>(r.GetString(2)), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4),
        ParseIso(r, 5));
}
