using Emx2Hpc.Emulator.Storage.Records;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

/// <summary>Artifact files, bytes kept as blobs in the same database so one transaction covers metadata and content.</summary>
internal sealed class FileRepository(DbSession db)
{
    private const string Columns = "id, artifact_id, path, sha256, size_bytes, content_type, content IS NOT NULL AS has_content";

    public FileRecord? Find(string artifactId, string path) =>
        db.QuerySingle($"SELECT {Columns} FROM files WHERE artifact_id = $a AND path = $p", Map, ("$a", artifactId), ("$p", path));

    /// <summary>Insert or update on (artifact, path), reusing the file id. Null <paramref name="content"/> keeps any
    /// bytes already stored (a metadata-only re-PUT does not erase an earlier upload).</summary>
    public FileRecord Upsert(string artifactId, string path, string? sha256, long sizeBytes, string? contentType, byte[]? content)
    {
        var existing = Find(artifactId, path);
        if (existing is null)
        {
            var id = Guid.NewGuid().ToString();
            db.Execute("INSERT INTO files (id, artifact_id, path, sha256, size_bytes, content_type, content) VALUES ($id, $a, $p, $sha, $size, $type, $content)",
                ("$id", id), ("$a", artifactId), ("$p", path), ("$sha", sha256), ("$size", sizeBytes), ("$type", contentType), ("$content", content));
        }
        else
        {
            db.Execute("UPDATE files SET sha256 = $sha, size_bytes = $size, content_type = $type, content = COALESCE($content, content) WHERE id = $id",
                ("$id", existing.Id), ("$sha", sha256), ("$size", sizeBytes), ("$type", contentType), ("$content", content));
        }
        return Find(artifactId, path)!;
    }

    public byte[]? ReadContent(string fileId)
    {
        using var command = db.Command("SELECT content FROM files WHERE id = $id", ("$id", fileId));
        return command.ExecuteScalar() as byte[];
    }

    /// <summary>Files of an artifact whose path matches a SQL LIKE pattern (already translated to GLOB, see
    /// <see cref="LikePattern"/>), ordered by path then id, with the total before paging.</summary>
    public (List<FileRecord> Items, int Total) List(string artifactId, string? pathGlob, int limit, int offset)
    {
        const string filter = "artifact_id = $a AND ($glob IS NULL OR path GLOB $glob)";
        (string, object?)[] args = [("$a", artifactId), ("$glob", pathGlob)];
        var total = (int)db.Scalar<long>($"SELECT COUNT(*) FROM files WHERE {filter}", args);
        var items = db.Query($"SELECT {Columns} FROM files WHERE {filter} ORDER BY path, id LIMIT $limit OFFSET $offset", Map,
            [.. args, ("$limit", limit == 0 ? -1 : limit), ("$offset", offset)]);
        return (items, total);
    }

    public List<FileRecord> AllOf(string artifactId) =>
        db.Query($"SELECT {Columns} FROM files WHERE artifact_id = $a ORDER BY path, id", Map, ("$a", artifactId));

    public void Delete(string fileId) => db.Execute("DELETE FROM files WHERE id = $id", ("$id", fileId));

    public void DeleteAllOf(string artifactId) => db.Execute("DELETE FROM files WHERE artifact_id = $a", ("$a", artifactId));

    private static FileRecord Map(SqliteDataReader r) => new()
    {
        Id = r.Req("id"),
        ArtifactId = r.Req("artifact_id"),
        Path = r.Req("path"),
        Sha256 = r.Str("sha256"),
        SizeBytes = r.Long("size_bytes"),
        ContentType = r.Str("content_type"),
        HasContent = r.Long("has_content") == 1,
    };
}
