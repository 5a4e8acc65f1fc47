using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Finds the scheduler job the Python emx2-hpc-daemon submitted for an EMX2 job. Its job names carry only
/// the first 8 characters of the EMX2 job id ("emx2-1a2b3c4d") and no comment, so a name alone is a hint: when EMX2
/// recorded a slurm_job_id, only that scheduler job matches; when it did not (the daemon stopped between sbatch and
/// its SUBMITTED report), the prefix must point at exactly one of the EMX2 jobs this worker holds without a
/// scheduler id, and at one scheduler job that no other held job names. Anything less certain is ambiguous: the
/// caller neither adopts nor submits, so a job is never run twice on a guess.</summary>
internal static class LegacyJobMatcher
{
    public sealed record Result(SchedulerJobInfo? Job, string? Ambiguity)
    {
        public static readonly Result None = new(null, null);
    }

    /// <param name="job">The EMX2 job to find a scheduler job for.</param>
    /// <param name="held">Every in-flight EMX2 job this worker holds (including <paramref name="job"/>).</param>
    /// <param name="tagged">The scheduler's tagged jobs (<see cref="IScheduler.ListTaggedAsync"/>).</param>
    public static Result Find(JobDto job, IEnumerable<JobDto> held, IReadOnlyList<SchedulerJobInfo> tagged)
    {
        if (job.Id.Length < JobTag.LegacyPrefixLength) return Result.None;
        var prefix = job.Id[..JobTag.LegacyPrefixLength].ToLowerInvariant();
        var legacy = tagged.Where(t => t.LegacyIdPrefix == prefix).ToList();
        if (legacy.Count == 0) return Result.None;
        if (job.SlurmJobId is { } recorded)
            return new Result(legacy.FirstOrDefault(t => t.SchedulerJobId == recorded), null);

        var others = held.Where(h => h.Id != job.Id).ToList();
        var namedByOthers = others.Where(h => h.SlurmJobId is not null).Select(h => h.SlurmJobId!).ToHashSet(StringComparer.Ordinal);
        var candidates = legacy.Where(t => !namedByOthers.Contains(t.SchedulerJobId)).ToList();
        if (candidates.Count == 0) return Result.None;
        var rivals = others.Where(h => h.SlurmJobId is null && h.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(h => h.Id).ToList();
        if (rivals.Count > 0)
            return new Result(null, $"scheduler job(s) {Ids(candidates)} named emx2-{prefix} could belong to job {job.Id} or to {string.Join(", ", rivals)}");
        // A resubmission by hand leaves an ended attempt beside the live one: the live one is the job.
        var live = candidates.Where(t => t.State is SchedulerState.Queued or SchedulerState.Running).ToList();
        if (live.Count == 1) return new Result(live[0], null);
        if (live.Count > 1 || candidates.Count > 1)
            return new Result(null, $"several scheduler jobs named emx2-{prefix} ({Ids(live.Count > 1 ? live : candidates)}) could be job {job.Id}'s");
        return new Result(candidates[0], null);
    }

    private static string Ids(IEnumerable<SchedulerJobInfo> jobs) => string.Join(", ", jobs.Select(j => j.SchedulerJobId));
}
