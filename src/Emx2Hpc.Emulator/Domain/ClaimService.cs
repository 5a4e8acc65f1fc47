using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>The claim transaction (SERVER-SPEC §7.1). The conditional update makes exactly one of N racing
/// claimants win; a failed capability or capacity check throws, which rolls the transaction back — the same end
/// state as the server's guarded undo (PENDING, no worker, no claimed_at, no transition row).</summary>
internal sealed class ClaimService(HpcDatabase db, EmulatorClock clock)
{
    public Task<JobSnapshot> ClaimAsync(string jobId, string workerId) =>
        db.RunAsync(s =>
        {
            var now = clock.Stamp();
            if (!s.Jobs.TryClaim(jobId, workerId, now))
            {
                var current = s.Jobs.Find(jobId) ?? throw JobService.NotFound(jobId);
                throw HpcProblemException.Conflict($"Job {jobId} is not in PENDING status (current: {current.Status})");
            }
            var job = s.Jobs.Find(jobId)!;
            var capability = MatchingCapability(s, workerId, job)
                ?? throw HpcProblemException.Conflict(
                    $"Worker {workerId} does not have a registered capability for processor={job.Processor} profile={job.Profile ?? "null"}");
            // Null or non-positive max_concurrent_jobs means unlimited. The count includes the job just claimed.
            if (capability.MaxConcurrentJobs is > 0 and var limit && s.Jobs.CountInFlight(workerId) > limit)
                throw HpcProblemException.Conflict($"Worker {workerId} has reached its max_concurrent_jobs limit");
            s.Transitions.Insert(new TransitionRecord
            {
                Id = Guid.NewGuid().ToString(),
                JobId = jobId,
                FromStatus = JobStatus.Pending,
                ToStatus = JobStatus.Claimed,
                Timestamp = now,
                WorkerId = workerId,
                Detail = $"Claimed by worker {workerId}",
            });
            return JobSnapshot.Of(s, job);
        });

    /// <summary>First capability row for the job's processor whose profile equals the job's, or any profile when the
    /// job has none. "any" is a literal profile, not a wildcard. A worker without a row has no capabilities.</summary>
    private static CapabilityRecord? MatchingCapability(DbSession s, string workerId, JobRecord job) =>
        s.Workers.Capabilities(workerId).FirstOrDefault(c =>
            c.Processor == job.Processor && (string.IsNullOrWhiteSpace(job.Profile) || c.Profile == job.Profile));
}
