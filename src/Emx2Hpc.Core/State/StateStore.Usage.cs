using Emx2Hpc.Core.Scheduling.Usage;

namespace Emx2Hpc.Core.State;

/// <summary>Usage accounting of finished jobs (table job_usage), kept until the job's row is removed.</summary>
public sealed partial class StateStore
{
    internal void SaveUsage(string jobId, JobUsage usage, Microsoft.Data.Sqlite.SqliteTransaction? tx) =>
        Execute(Cmd("""
            INSERT INTO job_usage(job_id, usage_json, recorded_utc) VALUES ($id,$json,$now)
            ON CONFLICT(job_id) DO UPDATE SET usage_json=excluded.usage_json, recorded_utc=excluded.recorded_utc
            """, ("$id", jobId), ("$json", usage.ToJsonString()), ("$now", Iso(DateTimeOffset.UtcNow))), tx);

    public JobUsage? GetUsage(string jobId) =>
        Query(Cmd("SELECT usage_json FROM job_usage WHERE job_id=$id", ("$id", jobId)), r => JobUsage.FromJson(r.GetString(0))).FirstOrDefault();
}
