using Emx2Hpc.Emulator.Storage.Records;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

internal sealed class ArtifactRepository(DbSession db)
{
    private const string Columns = "id, name, type, residence, status, sha256, size_bytes, content_url, metadata, created_at, committed_at";

    public void Insert(ArtifactRecord a) =>
        db.Execute($"INSERT INTO artifacts ({Columns}) VALUES ($id, $name, $type, $residence, $status, $sha, $size, $url, $meta, $created, $committed)",
            Args(a));

    public void Update(ArtifactRecord a) =>
        db.Execute("UPDATE artifacts SET status = $status, sha256 = $sha, size_bytes = $size, committed_at = $committed WHERE id = $id", Args(a));

    public ArtifactRecord? Find(string id) => db.QuerySingle($"SELECT {Columns} FROM artifacts WHERE id = $id", Map, ("$id", id));

    public List<ArtifactRecord> ListAll() => db.Query($"SELECT {Columns} FROM artifacts ORDER BY created_at, seq", Map);

    public void Delete(string id) => db.Execute("DELETE FROM artifacts WHERE id = $id", ("$id", id));

    private static (string, object?)[] Args(ArtifactRecord a) =>
    [
        ("$id", a.Id), ("$name", a.Name), ("$type", a.Type), ("$residence", a.Residence), ("$status", a.Status),
        ("$sha", a.Sha256), ("$size", a.SizeBytes), ("$url", a.ContentUrl), ("$meta", a.MetadataJson),
        ("$created", a.CreatedAt), ("$committed", a.CommittedAt),
    ];

    private static ArtifactRecord Map(SqliteDataReader r) => new()
    {
        Id = r.Req("id"),
        Name = r.Str("name"),
        Type = r.Str("type"),
        Residence = r.Req("residence"),
        Status = r.Req("status"),
        Sha256 = r.Str("sha256"),
        SizeBytes = r.Long("size_bytes"),
        ContentUrl = r.Str("content_url"),
        MetadataJson = r.Str("metadata"),
        CreatedAt = r.Req("created_at"),
        CommittedAt = r.Str("committed_at"),
    };
}
