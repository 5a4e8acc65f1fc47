using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Storage.Records;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

internal sealed class CredentialRepository(DbSession db)
{
    private const string Columns = "id, worker_id, secret, status, label, created_at, created_by, last_used_at, revoked_at, expires_at";

    public void Insert(CredentialRecord c) =>
        db.Execute($"INSERT INTO credentials ({Columns}) VALUES ($id, $w, $secret, $status, $label, $created, $by, $used, $revoked, $expires)",
            ("$id", c.Id), ("$w", c.WorkerId), ("$secret", c.Secret), ("$status", c.Status), ("$label", c.Label),
            ("$created", c.CreatedAt), ("$by", c.CreatedBy), ("$used", c.LastUsedAt), ("$revoked", c.RevokedAt), ("$expires", c.ExpiresAt));

    public CredentialRecord? Find(string id) => db.QuerySingle($"SELECT {Columns} FROM credentials WHERE id = $id", Map, ("$id", id));

    /// <summary>Newest first, then id (the list endpoint's order).</summary>
    public List<CredentialRecord> ForWorker(string workerId) =>
        db.Query($"SELECT {Columns} FROM credentials WHERE worker_id = $w ORDER BY created_at DESC, id", Map, ("$w", workerId));

    /// <summary>The ACTIVE credential with the greatest created_at (what HMAC verification uses).</summary>
    public CredentialRecord? NewestActive(string workerId) =>
        db.QuerySingle($"SELECT {Columns} FROM credentials WHERE worker_id = $w AND status = $active ORDER BY created_at DESC, seq DESC LIMIT 1",
            Map, ("$w", workerId), ("$active", WorkerCredentialStatus.Active));

    /// <summary>ACTIVE credentials past expires_at become EXPIRED. Timestamps share one fixed-width format, so
    /// text order is time order.</summary>
    public void ExpireOverdue(string workerId, string now) =>
        db.Execute("UPDATE credentials SET status = $expired, revoked_at = $now WHERE worker_id = $w AND status = $active AND expires_at IS NOT NULL AND expires_at < $now",
            ("$expired", WorkerCredentialStatus.Expired), ("$now", now), ("$w", workerId), ("$active", WorkerCredentialStatus.Active));

    public void Revoke(string id, string now) =>
        db.Execute("UPDATE credentials SET status = $revoked, revoked_at = $now WHERE id = $id AND status = $active",
            ("$revoked", WorkerCredentialStatus.Revoked), ("$now", now), ("$id", id), ("$active", WorkerCredentialStatus.Active));

    public void RevokeAllActive(string workerId, string now) =>
        db.Execute("UPDATE credentials SET status = $revoked, revoked_at = $now WHERE worker_id = $w AND status = $active",
            ("$revoked", WorkerCredentialStatus.Revoked), ("$now", now), ("$w", workerId), ("$active", WorkerCredentialStatus.Active));

    public void TouchLastUsed(string id, string now) =>
        db.Execute("UPDATE credentials SET last_used_at = $now WHERE id = $id", ("$now", now), ("$id", id));

    public void DeleteAllOf(string workerId) => db.Execute("DELETE FROM credentials WHERE worker_id = $w", ("$w", workerId));

    private static CredentialRecord Map(SqliteDataReader r) => new()
    {
        Id = r.Req("id"),
        WorkerId = r.Req("worker_id"),
        Secret = r.Req("secret"),
        Status = r.Req("status"),
        Label = r.Str("label"),
        CreatedAt = r.Req("created_at"),
        CreatedBy = r.Str("created_by"),
        LastUsedAt = r.Str("last_used_at"),
        RevokedAt = r.Str("revoked_at"),
        ExpiresAt = r.Str("expires_at"),
    };
}
