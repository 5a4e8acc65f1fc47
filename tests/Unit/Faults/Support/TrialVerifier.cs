using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>What one trial left behind. Lost: a job not terminal or not in the status its plan demands.
/// Duplicated: a second scheduler submission, or an artifact beyond the one log and one output artifact per job
/// (anything but an empty CREATED leftover). Orphans: unreferenced, empty CREATED artifacts (a kill between
/// POST /artifacts and recording its id: the protocol has no way to find them again). Violations: anything else
/// that breaks the contract (illegal history, uncommitted or wrong referenced artifact).</summary>
internal sealed record TrialResult(int Jobs, int Lost, int Duplicated, int Orphans, int Violations, IReadOnlyList<string> Problems)
{
    public bool Clean => Lost == 0 && Duplicated == 0 && Violations == 0;
}

internal static class TrialVerifier
{
    private static readonly string[] HappyPath = [JobStatus.Pending, JobStatus.Claimed, JobStatus.Submitted, JobStatus.Started];

    /// <param name="submissions">Scheduler submissions per EMX2 job id; default: the simulated scheduler's log.</param>
    /// <param name="checkAudit">Also demand exactly one audit event per side effect (<see cref="AuditVerifier"/>); off
    /// only where the test deletes the state database, and with it the events not yet exported.</param>
    public static TrialResult Verify(FaultSite site, IReadOnlyList<PlannedJob> jobs, bool requireOneSubmission = true,
        IReadOnlyDictionary<string, int>? submissions = null, bool checkAudit = true)
    {
        var problems = new List<string>();
        int lost = 0, duplicated = 0, orphans = 0, violations = 0;
        submissions ??= site.SubmissionsPerJob();
        var schedulerJobs = site.SchedulerJobsPerJob();
        var artifactsByJob = site.Server.ListArtifacts()
            .Select(a => (Artifact: a, JobId: MetadataString(a, "job_id")))
            .Where(x => x.JobId is not null)
            .GroupBy(x => x.JobId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Artifact).ToList(), StringComparer.Ordinal);

        foreach (var plan in jobs)
        {
            var tag = $"job {plan.Id} ({plan.Kind})";
            var job = site.Server.GetJob(plan.Id);
            if (job is null)
            {
                lost++;
                problems.Add($"{tag}: gone from EMX2");
                continue;
            }
            if (job.Status != plan.ExpectedStatus)
            {
                lost++;
                problems.Add($"{tag}: EMX2 status {job.Status}, expected {plan.ExpectedStatus}");
            }

            var submitted = Math.Max(submissions.GetValueOrDefault(plan.Id), schedulerJobs.GetValueOrDefault(plan.Id));
            if (submitted > 1)
            {
                duplicated += submitted - 1;
                problems.Add($"{tag}: submitted {submitted} times (submissions.log {submissions.GetValueOrDefault(plan.Id)}, scheduler records {schedulerJobs.GetValueOrDefault(plan.Id)})");
            }
            else if (submitted == 0 && requireOneSubmission && JobStatus.IsTerminal(job.Status))
            {
                violations++;
                problems.Add($"{tag}: {job.Status} in EMX2 but never submitted");
            }

            var dirs = JobDirectories.For(site.JobsRoot, plan.Id);
            var collected = Directory.Exists(dirs.Output) ? OutputCollector.Collect(dirs) : null;
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            if (JobStatus.IsTerminal(job.Status))
            {
                violations += CheckReferenced(site, tag, "log", job.LogArtifactId, WithUsageFile(dirs, collected?.Logs), required: true, referenced, problems);
                if (job.Status == JobStatus.Completed)
                    violations += CheckReferenced(site, tag, "output", job.OutputArtifactId, collected?.Outputs, required: true, referenced, problems);
                else if (job.OutputArtifactId is not null)
                {
                    violations++;
                    problems.Add($"{tag}: {job.Status} job references output artifact {job.OutputArtifactId}");
                }
            }
            var jobOrphans = 0;
            foreach (var extra in artifactsByJob.GetValueOrDefault(plan.Id) ?? [])
            {
                if (referenced.Contains(extra.Id)) continue;
                if (extra.Status == ArtifactStatus.Created && site.Server.ListFiles(extra.Id).Count == 0) { orphans++; jobOrphans++; }
                else
                {
                    duplicated++;
                    problems.Add($"{tag}: extra {MetadataString(extra, "artifact_role")} artifact {extra.Id} ({extra.Status}) not referenced by the job");
                }
            }

            violations += CheckHistory(site.Server.GetTransitions(plan.Id), plan.ExpectedStatus, tag, problems);
            if (checkAudit)
                violations += AuditVerifier.Check(site, plan.Id, tag, job, submitted,
                    (artifactsByJob.GetValueOrDefault(plan.Id) ?? []).Count, jobOrphans, problems);
        }
        return new TrialResult(jobs.Count, lost, duplicated, orphans, violations, problems);
    }

    /// <summary>The log artifact also carries the worker's usage.json (written beside the output directory from the
    /// usage recorded in the state database) when the scheduler reported usage for the job.</summary>
    private static IReadOnlyList<OutputFile>? WithUsageFile(JobDirectories dirs, IReadOnlyList<OutputFile>? logs)
    {
        var path = Path.Combine(dirs.Root, "usage.json");
        if (logs is null || !File.Exists(path)) return logs;
        var (sha, size) = Emx2Hpc.Core.FileSystem.ContentHash.OfTrustedFile(path);
        return [.. logs, new OutputFile("usage.json", path, size, sha, "application/json")];
    }

    private static int CheckReferenced(FaultSite site, string tag, string role, string? artifactId, IReadOnlyList<OutputFile>? local,
        bool required, HashSet<string> referenced, List<string> problems)
    {
        if (artifactId is null)
        {
            if (!required || local is { Count: 0 }) return 0;
            problems.Add($"{tag}: no {role} artifact referenced");
            return 1;
        }
        referenced.Add(artifactId);
        var artifact = site.Server.GetArtifact(artifactId);
        if (artifact is null)
        {
            problems.Add($"{tag}: {role} artifact {artifactId} does not exist");
            return 1;
        }
        if (artifact.Status != ArtifactStatus.Committed)
        {
            problems.Add($"{tag}: referenced {role} artifact {artifactId} is {artifact.Status}");
            return 1;
        }
        var remote = site.Server.ListFiles(artifactId).Select(f => (f.Path, f.Sha256 ?? "")).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        if (TreeHash.Compute(remote) != artifact.Sha256)
        {
            problems.Add($"{tag}: {role} artifact {artifactId} hash {artifact.Sha256} is not the tree hash of its files");
            return 1;
        }
        if (local is not null)
        {
            var expected = local.Select(f => (f.RelativePath, f.Sha256)).OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(remote))
            {
                problems.Add($"{tag}: {role} artifact {artifactId} holds [{string.Join(", ", remote.Select(r => r.Path))}], " +
                             $"the job left [{string.Join(", ", expected.Select(e => e.RelativePath))}] (or different content)");
                return 1;
            }
        }
        return 0;
    }

    /// <summary>The transition rows must chain (each from = previous to), take only legal edges or same-state
    /// audit rows, follow PENDING→CLAIMED→SUBMITTED→STARTED→expected, and carry exactly one terminal row.</summary>
    public static int CheckHistory(IReadOnlyList<TransitionDto> rows, string expected, string tag, List<string> problems)
    {
        var path = string.Join(" → ", rows.Select(r => r.ToStatus));
        string? previous = null;
        foreach (var row in rows)
        {
            if (row.FromStatus != previous)
            {
                problems.Add($"{tag}: history does not chain at {row.FromStatus}→{row.ToStatus} (previous {previous ?? "none"}): {path}");
                return 1;
            }
            var legal = previous is null
                ? row.ToStatus == JobStatus.Pending
                : JobStatus.IsLegal(previous, row.ToStatus) || (previous == row.ToStatus && !JobStatus.IsTerminal(previous));
            if (!legal)
            {
                problems.Add($"{tag}: illegal transition {previous ?? "none"}→{row.ToStatus}: {path}");
                return 1;
            }
            previous = row.ToStatus;
        }
        var distinct = rows.Select(r => r.ToStatus).Where((s, i) => i == 0 || rows[i - 1].ToStatus != s).ToList();
        var wanted = HappyPath.Append(expected).ToList();
        if (!distinct.SequenceEqual(wanted))
        {
            problems.Add($"{tag}: history {path}, expected {string.Join(" → ", wanted)}");
            return 1;
        }
        if (rows.Count(r => JobStatus.IsTerminal(r.ToStatus)) != 1)
        {
            problems.Add($"{tag}: {rows.Count(r => JobStatus.IsTerminal(r.ToStatus))} terminal rows: {path}");
            return 1;
        }
        return 0;
    }

    public static string? MetadataString(ArtifactDto artifact, string key) =>
        artifact.Metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
