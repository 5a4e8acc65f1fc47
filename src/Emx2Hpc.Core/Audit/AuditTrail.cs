using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Metrics;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Audit;

/// <summary>Records one event per side effect: an audit row (unless audit.enabled is false) and the persisted metric
/// counters that event implies, both inside the caller's state transaction — the same one that records the side
/// effect itself. A kill -9 therefore leaves the side effect, its audit event and its count all recorded or none of
/// them; <see cref="AuditExporter"/> later copies the rows to the JSON-lines file exactly once.</summary>
public sealed class AuditTrail(string workerId, bool enabled, TimeProvider clock)
{
    public void Record(StateTransaction tx, string eventName, TrackedJob? job, IReadOnlyDictionary<string, object?>? data = null)
    {
        var profile = job?.Profile ?? "default";
        switch (eventName)
        {
            case AuditEvents.Claimed: tx.AddCounter(PersistedCounters.JobsClaimed.Name, [("profile", profile)]); break;
            case AuditEvents.Submitted: tx.AddCounter(PersistedCounters.JobsSubmitted.Name, [("profile", profile)]); break;
            case AuditEvents.Reported when data?.GetValueOrDefault("final") is true:
                tx.AddCounter(PersistedCounters.JobsFinished.Name, [("profile", profile), ("status", data["status"]?.ToString() ?? "")]); break;
            case AuditEvents.InputRefused: tx.AddCounter(PersistedCounters.InputsRefused.Name, [("reason", data?["reason"]?.ToString() ?? "other")]); break;
        }
        if (!enabled) return;
        var body = new JsonObject { ["worker_id"] = workerId };
        if (job is not null)
        {
            body["processor"] = job.Processor;
            body["profile"] = job.Profile;
            if (SubmitUser(job) is { } user) body["submit_user"] = user;
            if (job.SchedulerJobId is { } sid) body["scheduler_job_id"] = sid;
        }
        foreach (var (key, value) in data ?? new Dictionary<string, object?>())
            body[key] = AuditValue.ToNode(value);
        tx.AppendAudit(clock.GetUtcNow(), eventName, job?.JobId, body.ToJsonString());
    }

    /// <summary>The usage accounting of a finished job: one "usage" event and the usage counters, in the transaction
    /// that stores the figures (so they are counted exactly once).</summary>
    public void RecordUsage(StateTransaction tx, TrackedJob job, Scheduling.Usage.JobUsage usage)
    {
        var profile = job.Profile ?? "default";
        foreach (var (counter, amount) in new[]
                 {
                     (PersistedCounters.UsageWallSeconds, usage.WallSeconds), (PersistedCounters.UsageCpuAllocated, usage.CpuCoreSecondsAllocated),
                     (PersistedCounters.UsageCpuUsed, usage.CpuCoreSecondsUsed), (PersistedCounters.UsageMemory, usage.MemoryGbSeconds * (1L << 30)),
                     (PersistedCounters.UsageGpu, usage.GpuSeconds), (PersistedCounters.UsageNodeSeconds, usage.NodeHours * 3600),
                 })
            tx.AddCounter(counter.Name, [("profile", profile)], amount);
        Record(tx, AuditEvents.Usage, job, new Dictionary<string, object?> { ["usage"] = usage.ToJson() });
    }

    /// <summary>The EMX2 user who created the job, from the job as claimed (absent for older servers).</summary>
    private static string? SubmitUser(TrackedJob job)
    {
        try
        {
            return job.Claim?.Job.SubmitUser;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Audit event names (the "event" field of each JSON line; schema in README "Operations").</summary>
public static class AuditEvents
{
    public const string Claimed = "claimed";
    public const string Staged = "staged";
    public const string Submitted = "submitted";
    public const string Cancelled = "cancelled";
    public const string TimedOut = "timed_out";
    public const string Adopted = "adopted";
    public const string ArtifactCreated = "artifact_created";
    public const string ArtifactUploaded = "artifact_uploaded";
    public const string ArtifactCommitted = "artifact_committed";
    public const string Reported = "reported";
    public const string Usage = "usage";
    public const string InputRefused = "input_refused";
    public const string StateQuarantined = "state_db_quarantined";
}
