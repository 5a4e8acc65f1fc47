using System.Globalization;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Detects, from what EMX2 shows, another instance working under this worker id on another host (the
/// same host is covered by <see cref="InstanceRegistry"/>). EMX2 offers no way to read a worker's registration
/// back (there is no GET for workers; register overwrites hostname and last_heartbeat_at and echoes our own
/// values), so the evidence is the jobs themselves: this state database records every claim before it is sent
/// (a claim intent) and every report before it is delivered, so it knows everything it did. A job EMX2 shows
/// under this worker id that this database did not do is someone else's:
/// <list type="bullet">
/// <item>held by us, not tracked, no claim intent, and claimed after this database was created (later than the
/// HMAC clock window allows for skew): a claim this database never made;</item>
/// <item>tracked, but EMX2 carries a Slurm job id this database never recorded: a SUBMITTED report it never sent.</item>
/// </list>
/// Jobs claimed before this database existed are a lost database's leftovers and are adopted as before: a brand-new
/// database on a second host cannot tell them from the first host's jobs at first sight; it is caught at the first
/// claim or submission the other instance makes after that (README, failure model).</summary>
internal sealed class ForeignInstanceCheck(CycleContext ctx)
{
    private const string IntentPrefix = "claim_intent:";

    /// <summary>Written before the claim request is sent, so a crash between the claim and tracking it is recognised
    /// as this database's own leftover.</summary>
    public static void RecordClaimIntent(CycleContext ctx, string jobId) =>
        ctx.Store.SetMeta(IntentKey(jobId), ctx.Now.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>After the claim was tracked, or refused.</summary>
    public static void ClearClaimIntent(CycleContext ctx, string jobId) => ctx.Store.DeleteMeta(IntentKey(jobId));

    internal static string IntentKey(string jobId) => IntentPrefix + jobId;

    /// <summary>Throws <see cref="InstanceConflictException"/> naming the first job that shows another instance.</summary>
    public void Check(IReadOnlyCollection<JobDto> ours)
    {
        var created = DateTimeOffset.TryParse(ctx.Store.GetMeta("created_utc"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c)
            ? c : (DateTimeOffset?)null;
        foreach (var job in ours)
        {
            var local = ctx.Store.GetJob(job.Id);
            if (local is null)
            {
                if (ctx.Store.IsFinished(job.Id) || ctx.Store.GetMeta(IntentKey(job.Id)) is not null || created is null) continue;
                if (ctx.Client.ServerClock.ToUtc(job.ClaimedAt) is not { } claimedAt) continue;
                if (claimedAt <= created.Value.AddSeconds(ProtocolConstants.HmacClockWindowSeconds)) continue;
                throw Conflict($"EMX2 shows job {job.Id} ({job.Status}) claimed by worker id '{ctx.WorkerId}' at {claimedAt:u}, " +
                               $"after this state database was created ({created.Value:u}), but this database never claimed it");
            }
            if (job.SlurmJobId is { Length: > 0 } reported && local.SchedulerJobId != reported
                && (local.SchedulerJobId is not null || local.Phase == LocalPhase.Claimed))
                throw Conflict($"EMX2 shows job {job.Id} submitted as Slurm job {reported}, but this state database " +
                               (local.SchedulerJobId is null ? "has not submitted it" : $"submitted it as {local.SchedulerJobId}"));
        }
    }

    private InstanceConflictException Conflict(string evidence) => new(
        $"another emx2-hpc instance is working as worker id '{ctx.WorkerId}' with a different state database " +
        $"(this one: {ctx.Store.Path}): {evidence}. Nothing is claimed, adopted or submitted until only one instance uses this " +
        "worker id: stop the other instance or give one of them its own worker id.");
}
