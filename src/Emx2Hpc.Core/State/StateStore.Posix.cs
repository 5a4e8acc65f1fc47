using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.State;

/// <summary>Where a posix-residence job's results are on their way to the durable root (table posix_outputs). Moving is
/// written before anything is placed there; Moved carries the manifest registered with EMX2; Removing is written before
/// the retention sweep deletes the directory and Removed after, so every kill -9 converges on the next cycle.</summary>
public enum PosixOutputState { Moving, Moved, Removing, Removed }

public sealed record PosixOutputRow(string JobId, string Path, PosixOutputState State, string? FilesJson, DateTimeOffset? MovedUtc);

/// <summary>Posix containment records: input views (table posix_input_views) and durable results (posix_outputs).</summary>
public sealed partial class StateStore : IStagedInputJournal
{
    PosixViewRecord? IStagedInputJournal.Find(string jobId, string artifactId) =>
        Query(Cmd("SELECT state, tree_sha256, copied_bytes FROM posix_input_views WHERE job_id=$j AND artifact_id=$a",
                ("$j", jobId), ("$a", artifactId)),
            r => new PosixViewRecord(r.GetString(0) == "Ready", r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2))).FirstOrDefault();

    void IStagedInputJournal.Building(string jobId, string artifactId) =>
        Execute(Cmd("""
            INSERT INTO posix_input_views(job_id, artifact_id, state, updated_utc) VALUES ($j,$a,'Building',$now)
            ON CONFLICT(job_id, artifact_id) DO UPDATE SET state='Building', tree_sha256=NULL, linked_files=0, copied_files=0,
                copied_bytes=0, updated_utc=excluded.updated_utc
            """, ("$j", jobId), ("$a", artifactId), ("$now", Iso(DateTimeOffset.UtcNow))));

    void IStagedInputJournal.Ready(string jobId, string artifactId, string? treeSha256, int linkedFiles, int copiedFiles, long copiedBytes) =>
        Execute(Cmd("""
            UPDATE posix_input_views SET state='Ready', tree_sha256=$sha, linked_files=$l, copied_files=$c, copied_bytes=$b, updated_utc=$now
            WHERE job_id=$j AND artifact_id=$a
            """, ("$j", jobId), ("$a", artifactId), ("$sha", treeSha256), ("$l", linkedFiles), ("$c", copiedFiles), ("$b", copiedBytes),
            ("$now", Iso(DateTimeOffset.UtcNow))));

    public PosixOutputRow? GetPosixOutput(string jobId) =>
        Query(Cmd($"{PosixOutputColumns} WHERE job_id=$id", ("$id", jobId)), ReadPosixOutput).FirstOrDefault();

    public void SetPosixOutput(string jobId, string path, PosixOutputState state, string? filesJson = null, DateTimeOffset? movedUtc = null) =>
        Execute(Cmd("""
            INSERT INTO posix_outputs(job_id, path, state, files_json, moved_utc, updated_utc) VALUES ($id,$path,$state,$files,$moved,$now)
            ON CONFLICT(job_id) DO UPDATE SET path=excluded.path, state=excluded.state,
                files_json=COALESCE(excluded.files_json, files_json), moved_utc=COALESCE(excluded.moved_utc, moved_utc),
                removed_utc=CASE WHEN excluded.state='Removed' THEN excluded.updated_utc ELSE removed_utc END,
                updated_utc=excluded.updated_utc
            """, ("$id", jobId), ("$path", path), ("$state", state.ToString()), ("$files", filesJson), ("$moved", Iso(movedUtc)),
            ("$now", Iso(DateTimeOffset.UtcNow))));

    /// <summary>Durable results due for removal: moved before <paramref name="movedBefore"/> and not yet removed, plus any
    /// whose removal was interrupted.</summary>
    public IReadOnlyList<PosixOutputRow> ExpiredPosixOutputs(DateTimeOffset movedBefore) =>
        Query(Cmd($"{PosixOutputColumns} WHERE (state='Moved' AND moved_utc <= $before) OR state='Removing' ORDER BY moved_utc",
            ("$before", Iso(movedBefore))), ReadPosixOutput);

    /// <summary>Moves begun and never finished (the job may since have been given up on), and removals a kill interrupted.</summary>
    public IReadOnlyList<PosixOutputRow> UnfinishedPosixOutputs() =>
        Query(Cmd($"{PosixOutputColumns} WHERE state IN ('Moving','Removing') ORDER BY updated_utc"), ReadPosixOutput);

    private const string PosixOutputColumns = "SELECT job_id, path, state, files_json, moved_utc FROM posix_outputs";

    private static PosixOutputRow ReadPosixOutput(Microsoft.Data.Sqlite.SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), Enum.Parse<PosixOutputState>(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3), ParseIso(r, 4));
}
