using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.State;

public sealed partial class StateStore
{
    public ArtifactUpload? GetUpload(string jobId, ArtifactRole role) =>
        Query(Cmd("SELECT job_id, role, artifact_id, residence, state, tree_sha256, size_bytes, file_count FROM artifact_uploads WHERE job_id=$j AND role=$r",
            ("$j", jobId), ("$r", role.ToString())), ReadUpload).FirstOrDefault();

    public IReadOnlyList<ArtifactUpload> ListUploads() =>
        Query(Cmd("SELECT job_id, role, artifact_id, residence, state, tree_sha256, size_bytes, file_count FROM artifact_uploads ORDER BY job_id, role"), ReadUpload);

    public void SaveUpload(ArtifactUpload upload) => SaveUpload(upload, null);

    internal void SaveUpload(ArtifactUpload upload, SqliteTransaction? tx) =>
        Execute(Cmd("""
            INSERT INTO artifact_uploads(job_id, role, artifact_id, residence, state, tree_sha256, size_bytes, file_count)
            VALUES ($j,$r,$a,$res,$s,$t,$sz,$n)
            ON CONFLICT(job_id, role) DO UPDATE SET artifact_id=excluded.artifact_id, residence=excluded.residence, state=excluded.state,
              tree_sha256=excluded.tree_sha256, size_bytes=excluded.size_bytes, file_count=excluded.file_count
            """, ("$j", upload.JobId), ("$r", upload.Role.ToString()), ("$a", upload.ArtifactId), ("$res", upload.Residence),
            ("$s", upload.State.ToString()), ("$t", upload.TreeSha256), ("$sz", upload.SizeBytes), ("$n", upload.FileCount)), tx);

    /// <summary>Paths already PUT (with the hash they had), so a resumed upload skips them.</summary>
    public IReadOnlyDictionary<string, string> UploadedFiles(string jobId, ArtifactRole role) =>
        Query(Cmd("SELECT path, sha256 FROM uploaded_files WHERE job_id=$j AND role=$r", ("$j", jobId), ("$r", role.ToString())),
            r => (r.GetString(0), r.GetString(1))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    public void MarkFileUploaded(string jobId, ArtifactRole role, string path, string sha256) => MarkFileUploaded(jobId, role, path, sha256, null);

    internal void MarkFileUploaded(string jobId, ArtifactRole role, string path, string sha256, SqliteTransaction? tx) =>
        Execute(Cmd("INSERT INTO uploaded_files(job_id, role, path, sha256) VALUES ($j,$r,$p,$s) ON CONFLICT(job_id, role, path) DO UPDATE SET sha256=excluded.sha256",
            ("$j", jobId), ("$r", role.ToString()), ("$p", path), ("$s", sha256)), tx);

    private static ArtifactUpload ReadUpload(SqliteDataReader r) => new()
    {
        JobId = r.GetString(0),
        Role = Enum.Parse<ArtifactRole>(r.GetString(1)),
        ArtifactId = r.IsDBNull(2) ? null : r.GetString(2),
        Residence = r.GetString(3),
        State = Enum.Parse<UploadState>(r.GetString(4)),
        TreeSha256 = r.IsDBNull(5) ? null : r.GetString(5),
        SizeBytes = r.GetInt64(6),
        FileCount = r.GetInt32(7),
    };
}
