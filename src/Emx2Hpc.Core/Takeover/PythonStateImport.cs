using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Takeover;

/// <summary>Carries the Python emx2-hpc-daemon's tracked jobs over into this worker's state database. Each row is
/// checked against EMX2 (which stays the system of record: its status, worker, slurm_job_id and claimed_at win) and
/// against the scheduler (its short job names find a job submitted but never recorded), then mapped to a local
/// phase: CLAIMED without a scheduler job → Claimed (submitted by the next cycle); with one → Submitted or Running,
/// with the artifacts the Python daemon already committed reused so none is made twice. Rows whose results are not
/// under this configuration's jobs root, rows that conflict with what this worker already tracks, and rows EMX2 gives
/// to another worker are refused with the reason. Applying twice changes nothing the second time.</summary>
public sealed class PythonStateImport(CycleContext ctx)
{
    public async Task<ImportPlan> PlanAsync(string source, CancellationToken ct)
    {
        var kind = PythonStateFile.Identify(source);
        if (kind is null)
            throw new InvalidOperationException(File.Exists(source)
                ? $"{source} is not the Python emx2-hpc-daemon's SQLite tracker"
                : $"{source} does not exist (give the Python daemon's state database with --from / -Path)");
        if (!kind.Contains("SQLite", StringComparison.Ordinal))
            throw new InvalidOperationException($"{source} is {kind}, which holds no scheduler ids to import; " +
                                                "the first cycle adopts its jobs from EMX2 and the scheduler instead");

        var rows = PythonTrackedJob.ReadAll(source);
        var server = new Dictionary<string, JobDto?>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            try { server[row.Emx2JobId] = await ctx.Client.GetJobAsync(row.Emx2JobId, ct); }
            catch (Emx2NotFoundException) { server[row.Emx2JobId] = null; }
        }
        var held = new List<JobDto>();
        foreach (var status in JobStatus.InFlight)
            held.AddRange((await ctx.Client.ListAllJobsAsync(new JobQuery { Status = status }, ct)).Where(j => j.WorkerId == ctx.WorkerId));
        var tagged = await ctx.Scheduler.ListTaggedAsync(ct);
        var ids = rows.Select(r => server[r.Emx2JobId]?.SlurmJobId ?? r.SlurmJobId).OfType<string>().Distinct().ToList();
        var observed = ids.Count == 0 ? new Dictionary<string, SchedulerJobInfo>() : await ctx.Scheduler.QueryAsync(ids, ct);

        var decisions = new List<ImportDecision>();
        foreach (var row in rows)
            decisions.Add(await DecideAsync(row, server[row.Emx2JobId], held, tagged, observed, ct));
        return new ImportPlan
        {
            Source = Path.GetFullPath(source), Destination = ctx.Store.Path, Decisions = decisions, Blockers = PythonDaemonActivity.Find(),
        };
    }

    private async Task<ImportDecision> DecideAsync(PythonTrackedJob row, JobDto? job, IReadOnlyList<JobDto> held,
        IReadOnlyList<SchedulerJobInfo> tagged, IReadOnlyDictionary<string, SchedulerJobInfo> observed, CancellationToken ct)
    {
        ImportDecision Decide(ImportAction action, string reason) => new() { JobId = row.Emx2JobId, Action = action, Reason = reason };
        if (!Guid.TryParseExact(row.Emx2JobId, "D", out _)) return Decide(ImportAction.Refuse, "the job id is not a UUID");
        if (job is null) return Decide(ImportAction.Skip, "EMX2 no longer has this job");
        if (job.WorkerId != ctx.WorkerId)
            return Decide(ImportAction.Refuse, $"EMX2 gives this job to worker {job.WorkerId ?? "none"}, not {ctx.WorkerId}: check emx2.worker_id");
        if (JobStatus.IsTerminal(job.Status))
            return ctx.Store.GetJob(job.Id) is null
                ? Decide(ImportAction.Skip, $"already {job.Status} in EMX2") with { FinishedStatus = job.Status }
                : Decide(ImportAction.Skip, $"already {job.Status} in EMX2; this worker tracks it and reconciles it itself");

        var schedulerId = job.SlurmJobId ?? row.SlurmJobId;
        string? note = null;
        if (schedulerId is null)
        {
            var legacy = LegacyJobMatcher.Find(job, held, tagged);
            if (legacy.Ambiguity is not null) return Decide(ImportAction.Refuse, legacy.Ambiguity);
            schedulerId = legacy.Job?.SchedulerJobId;
            if (schedulerId is not null) note = $"found in the scheduler as {JobTag.LegacyJobName(job.Id)} (sbatch ran, its report never did)";
        }
        else if (row.SlurmJobId is not null && job.SlurmJobId is not null && row.SlurmJobId != job.SlurmJobId)
            return Decide(ImportAction.Refuse, $"the Python tracker says scheduler job {row.SlurmJobId}, EMX2 says {job.SlurmJobId}");

        var ours = ctx.Placement.Directories(job.Id);
        if (schedulerId is not null && row.OutputDir is { } theirs && !SamePath(theirs, ours.Output))
            return Decide(ImportAction.Refuse,
                $"its output directory {theirs} is not where apptainer.tmp_dir ({ctx.JobsRoot}) puts it ({ours.Output}); set apptainer.tmp_dir to " +
                $"the Python daemon's ({Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(theirs)))}) so its results can be published");

        var profile = ctx.Placement.Profile(job);
        if (schedulerId is null && profile is null)
            return Decide(ImportAction.Refuse, $"no profile for {JobPlacement.ProfileKey(job.Processor, job.Profile)} in this configuration: it could not be submitted");

        if (ctx.Store.GetJob(job.Id) is { } existing)
            return existing.SchedulerJobId == schedulerId
                ? Decide(ImportAction.Skip, $"already tracked by this worker ({existing.Phase.ToString().ToLowerInvariant()}, scheduler job {schedulerId ?? "none"})")
                : Decide(ImportAction.Refuse, $"this worker already tracks it as scheduler job {existing.SchedulerJobId ?? "none"}, the Python daemon as {schedulerId ?? "none"}");
        if (ctx.Store.IsFinished(job.Id))
            return Decide(ImportAction.Refuse, "this worker already finished it, but EMX2 still lists it in flight");

        var imported = JobLifecycle.Import(new TrackedJob
        {
            JobId = job.Id, Processor = job.Processor, Profile = job.Profile,
            Emx2Status = job.Status == JobStatus.Claimed && schedulerId is not null ? JobStatus.Submitted : job.Status,
            SchedulerName = schedulerId is null ? null : ctx.Scheduler.Name, SchedulerJobId = schedulerId,
            ClaimedAtUtc = ctx.Client.ServerClock.ToUtc(job.ClaimedAt) ?? row.ClaimedAtUtc ?? ctx.Now,
            TimeoutSeconds = job.TimeoutSeconds ?? row.TimeoutSeconds, SubmissionTimeoutSeconds = profile?.SubmissionTimeoutSeconds,
            Claim = ClaimedJob.Of(job), WorkDir = ours.Root,
        }, job.Status, schedulerId);
        var uploads = await ReusableUploadsAsync(row, ct);
        var state = schedulerId is null ? "" : observed.TryGetValue(schedulerId, out var info) ? $", {info.RawState} in {ctx.Scheduler.Name}" : $", not visible in {ctx.Scheduler.Name} (the grace period applies)";
        var reason = $"{JobLifecycle.Name(imported.Phase)}, EMX2 {job.Status}, scheduler job {schedulerId ?? "none (submitted by the next cycle)"}{state}" +
                     (row.CompletionPhase is null ? "" : $", completion {row.CompletionPhase}") +
                     string.Concat(uploads.Select(u => $", reuses {u.Role.ToString().ToLowerInvariant()} artifact {u.ArtifactId}")) +
                     (note is null ? "" : $"; {note}");
        return new ImportDecision
        {
            JobId = job.Id, Action = ImportAction.Import, Reason = reason, Uploads = uploads,
            SubmittedReport = job.Status == JobStatus.Claimed && schedulerId is not null ? schedulerId : null,
            Row = imported,
        };
    }

    /// <summary>The Python daemon records an artifact id only after its upload and commit succeeded; EMX2 confirms it.</summary>
    private async Task<IReadOnlyList<ArtifactUpload>> ReusableUploadsAsync(PythonTrackedJob row, CancellationToken ct)
    {
        var uploads = new List<ArtifactUpload>();
        foreach (var (role, id) in new[] { (ArtifactRole.Log, row.LogArtifactId), (ArtifactRole.Output, row.OutputArtifactId) })
        {
            if (id is null) continue;
            ArtifactDto artifact;
            try { artifact = await ctx.Client.GetArtifactAsync(id, ct); }
            catch (Emx2NotFoundException) { continue; }
            if (artifact.Status != ArtifactStatus.Committed) continue;
            uploads.Add(new ArtifactUpload
            {
                JobId = row.Emx2JobId, Role = role, ArtifactId = id, Residence = artifact.Residence ?? ArtifactResidence.Managed,
                State = UploadState.Committed, TreeSha256 = artifact.Sha256, SizeBytes = artifact.SizeBytes ?? 0,
            });
        }
        return uploads;
    }

    /// <summary>Writes the plan under the cycle lock (no cycle of this worker runs meanwhile). Refuses while the Python
    /// daemon shows signs of life. Rows already present are left alone, so a second apply writes nothing.</summary>
    public async Task<ImportPlan> ApplyAsync(ImportPlan plan, CancellationToken ct)
    {
        if (plan.Blockers.Count > 0)
            throw new InvalidOperationException("the Python emx2-hpc-daemon is still active (" + string.Join("; ", plan.Blockers) +
                                                "); stop it and remove its cron entry before importing");
        var (cycleLock, holder) = await CycleLock.TryAcquireAsync(CycleLock.PathFor(ctx.Store.Path), TimeSpan.FromMinutes(1), ct);
        using var held = cycleLock ?? throw new InvalidOperationException($"a cycle of this worker is running ({holder ?? "holder unknown"}); try again");
        foreach (var decision in plan.Decisions)
        {
            if (decision.Action == ImportAction.Skip && decision.FinishedStatus is { } final && !ctx.Store.IsFinished(decision.JobId))
                ctx.Store.InTransaction(tx => tx.RecordFinished(decision.JobId, final, null, null, null));
            if (decision is not { Action: ImportAction.Import, Row: { } row } || ctx.Store.GetJob(row.JobId) is not null) continue;
            // Artifacts first: a crash before the row leaves nothing that claims the job, and the next apply redoes both.
            foreach (var upload in decision.Uploads) ctx.Store.SaveUpload(upload);
            ctx.Jobs.Advance(null, row, decision.SubmittedReport is { } schedulerId
                ? Cycle.Reports.Transition(ctx, JobStatus.Submitted, $"Slurm job {schedulerId} (taken over from the Python daemon)", schedulerId)
                : null);
            ctx.Log.Info($"imported job {row.JobId} from the Python daemon: {decision.Reason}", ("job_id", row.JobId), ("slurm_job_id", row.SchedulerJobId));
        }
        return plan with { Applied = true };
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
