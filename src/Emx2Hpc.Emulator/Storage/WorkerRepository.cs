using Emx2Hpc.Emulator.Storage.Records;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

internal sealed class WorkerRepository(DbSession db)
{
    public WorkerRecord? Find(string workerId) =>
        db.QuerySingle("SELECT worker_id, hostname, registered_at, last_heartbeat_at FROM workers WHERE worker_id = $w", Map, ("$w", workerId));

    /// <summary>Registration upsert: hostname overwritten (even with null), registered_at kept once set.</summary>
    public WorkerRecord Register(string workerId, string? hostname, string now)
    {
        db.Execute("""
            INSERT INTO workers (worker_id, hostname, registered_at, last_heartbeat_at) VALUES ($w, $h, $now, $now)
            ON CONFLICT (worker_id) DO UPDATE SET hostname = $h, registered_at = COALESCE(registered_at, $now), last_heartbeat_at = $now
            """, ("$w", workerId), ("$h", hostname), ("$now", now));
        return Find(workerId)!;
    }

    /// <summary>Credential issue creates a missing worker with hostname = worker id.</summary>
    public void EnsureExists(string workerId, string now) =>
        db.Execute("INSERT OR IGNORE INTO workers (worker_id, hostname, registered_at, last_heartbeat_at) VALUES ($w, $w, $now, $now)",
            ("$w", workerId), ("$now", now));

    public bool Heartbeat(string workerId, string now) =>
        db.Execute("UPDATE workers SET last_heartbeat_at = $now WHERE worker_id = $w", ("$w", workerId), ("$now", now)) == 1;

    public void ReplaceCapabilities(string workerId, IReadOnlyList<CapabilityRecord> capabilities)
    {
        db.Execute("DELETE FROM capabilities WHERE worker_id = $w", ("$w", workerId));
        foreach (var c in capabilities)
        {
            db.Execute("INSERT INTO capabilities (worker_id, position, processor, profile, max_concurrent_jobs) VALUES ($w, $pos, $proc, $prof, $max)",
                ("$w", workerId), ("$pos", c.Position), ("$proc", c.Processor), ("$prof", c.Profile), ("$max", c.MaxConcurrentJobs));
        }
    }

    public List<CapabilityRecord> Capabilities(string workerId) =>
        db.Query("SELECT worker_id, position, processor, profile, max_concurrent_jobs FROM capabilities WHERE worker_id = $w ORDER BY position",
            r => new CapabilityRecord
            {
                WorkerId = r.Req("worker_id"),
                Position = r.Int("position") ?? 0,
                Processor = r.Req("processor"),
                Profile = r.Req("profile"),
                MaxConcurrentJobs = r.Int("max_concurrent_jobs"),
            }, ("$w", workerId));

    public void Delete(string workerId)
    {
        db.Execute("DELETE FROM capabilities WHERE worker_id = $w", ("$w", workerId));
        db.Execute("DELETE FROM workers WHERE worker_id = $w", ("$w", workerId));
    }

    private static WorkerRecord Map(SqliteDataReader r) => new()
    {
        WorkerId = r.Req("worker_id"),
        Hostname = r.Str("hostname"),
        RegisteredAt = r.Str("registered_at"),
        LastHeartbeatAt = r.Str("last_heartbeat_at"),
    };
}
