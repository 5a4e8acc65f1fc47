using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Finds PENDING jobs for each configured profile and claims as many as local capacity allows.
/// A claim intent is recorded before the request and the claimed job is written to the store immediately; if the
/// process dies before that write, the next reconciliation adopts it from EMX2 (it is CLAIMED by this worker there,
/// and the intent proves this database made the claim, see <see cref="ForeignInstanceCheck"/>).</summary>
internal sealed class JobPoller(CycleContext ctx)
{
    public async Task<int> PollAsync(CancellationToken ct, int? maxJobs = null)
    {
        var capacity = ctx.Config.Worker.MaxConcurrentJobs - ctx.Store.ListJobs().Count;
        if (maxJobs is { } max) capacity = Math.Min(capacity, max);
        var claimed = 0;
        foreach (var profile in ctx.Config.Profiles)
        {
            if (capacity - claimed <= 0 || ct.IsCancellationRequested) break;
            // A job without a profile is served by the processor's "default" profile; EMX2 cannot filter for
            // a null profile, so list by processor and keep the profile-less ones.
            var query = profile.Profile == "default"
                ? new JobQuery { Status = JobStatus.Pending, Processor = profile.Processor }
                : new JobQuery { Status = JobStatus.Pending, Processor = profile.Processor, Profile = profile.Profile };
            // Pages are fetched only while there is capacity left: a queue of thousands costs one request when
            // the worker can take two. Jobs claimed from a page shift the next one; a job skipped that way is
            // simply first in line next cycle.
            for (var offset = 0; capacity - claimed > 0 && !ct.IsCancellationRequested;)
            {
                var page = await ctx.Client.ListJobsPageAsync(query with { Limit = PageSize, Offset = offset }, ct);
                foreach (var job in page.Items)
                {
                    if (capacity - claimed <= 0 || ct.IsCancellationRequested) break;
                    if (profile.Profile == "default" && !string.IsNullOrEmpty(job.Profile) && job.Profile != "default") continue;
                    if (ctx.Store.GetJob(job.Id) is not null || ctx.Store.IsFinished(job.Id)) continue;
                    var result = await TryClaimAsync(job, profile, ct);
                    if (result == ClaimOutcome.Claimed) claimed++;
                    if (result == ClaimOutcome.AtCapacity) return claimed;
                }
                if (page.Items.Count < PageSize) break;
                offset += page.Items.Count;
            }
        }
        return claimed;
    }

    private const int PageSize = 100;

    /// <summary>Claims one named job (Receive-HpcJob -Id). Errors surface to the caller instead of being skipped.</summary>
    public async Task<JobDto> ClaimByIdAsync(string jobId, CancellationToken ct)
    {
        if (ctx.Store.GetJob(jobId) is not null) throw new JobClaimConflictException(jobId, $"job {jobId} is already claimed and tracked by this worker");
        var job = await ctx.Client.GetJobAsync(jobId, ct);
        var profile = ctx.Placement.Profile(job)
            ?? throw new InvalidOperationException($"no profile configured for {JobPlacement.ProfileKey(job.Processor, job.Profile)}; this worker cannot run job {jobId}");
        ForeignInstanceCheck.RecordClaimIntent(ctx, jobId);
        JobDto claimed;
        try { claimed = await ctx.Client.ClaimAsync(jobId, ct); }
        catch (Emx2ApiException ex) when (ex is Emx2ConflictException or Emx2NotFoundException)
        {
            ForeignInstanceCheck.ClearClaimIntent(ctx, jobId);
            throw;
        }
        Track(claimed, profile);
        return claimed;
    }

    private enum ClaimOutcome { Claimed, Lost, AtCapacity }

    private async Task<ClaimOutcome> TryClaimAsync(JobDto job, ProfileConfig profile, CancellationToken ct)
    {
        if (!Guid.TryParseExact(job.Id, "D", out _))
        {
            ctx.Log.Error($"EMX2 offered a job whose id is not a UUID ({job.Id.Length} chars); not claiming it");
            return ClaimOutcome.Lost;
        }
        JobDto claimed;
        ForeignInstanceCheck.RecordClaimIntent(ctx, job.Id);
        try
        {
            claimed = await ctx.Client.ClaimAsync(job.Id, ct);
        }
        catch (Emx2ConflictException ex)
        {
            ForeignInstanceCheck.ClearClaimIntent(ctx, job.Id);
            ctx.Log.Debug($"claim of job {job.Id} refused: {ex.Detail}", ("job_id", job.Id));
            return ex.Detail?.Contains("max_concurrent_jobs", StringComparison.Ordinal) == true ? ClaimOutcome.AtCapacity : ClaimOutcome.Lost;
        }
        catch (Emx2NotFoundException)
        {
            ForeignInstanceCheck.ClearClaimIntent(ctx, job.Id);
            return ClaimOutcome.Lost;
        }
        Track(claimed, profile);
        return ClaimOutcome.Claimed;
    }

    private void Track(JobDto claimed, ProfileConfig profile)
    {
        // The id becomes a directory name; the claim answer is trusted no more than the list it came from.
        if (!Guid.TryParseExact(claimed.Id, "D", out _))
            throw new InvalidOperationException($"EMX2 answered a claim with a job id that is not a UUID ('{Staging.PathSafety.Describe(claimed.Id, 80)}'); not tracking it");
        var tracked = JobLifecycle.Claim(new TrackedJob
        {
            JobId = claimed.Id, Processor = claimed.Processor, Profile = claimed.Profile,
            Emx2Status = JobStatus.Claimed,
            ClaimedAtUtc = ctx.Client.ServerClock.ToUtc(claimed.ClaimedAt) ?? ctx.Now,
            TimeoutSeconds = claimed.TimeoutSeconds, SubmissionTimeoutSeconds = profile.SubmissionTimeoutSeconds,
            Claim = ClaimedJob.Of(claimed),
            WorkDir = ctx.Placement.Directories(claimed.Id).Root,
        });
        ctx.Jobs.Advance(null, tracked, tx => ctx.Audit.Record(tx, Audit.AuditEvents.Claimed, tracked));
        ForeignInstanceCheck.ClearClaimIntent(ctx, claimed.Id);
        ctx.Log.Info($"claimed job {claimed.Id} ({claimed.Processor}:{claimed.Profile ?? "default"})", ("job_id", claimed.Id));
    }
}
