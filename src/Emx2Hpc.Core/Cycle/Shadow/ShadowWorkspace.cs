using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Cycle.Shadow;

/// <summary>The filesystem port of a shadow cycle: nothing is created or downloaded under the jobs root. Input
/// references are still parsed, so a job whose inputs the real cycle would refuse is refused here as well.</summary>
public sealed class ShadowWorkspace(ShadowPlan plan, string posixOutputRoot = "(staging.posix_output_root)") : IJobWorkspace
{
    public Task<StagedInputs> PrepareAsync(string jobId, JsonElement? inputs, JobDirectories dirs, CancellationToken ct)
    {
        var references = InputReferences.Parse(inputs);
        plan.Add(PlannedActionKind.Stage, jobId,
            $"create {dirs.Root} and stage {references.Count} input artifact(s){(references.Count == 0 ? "" : ": " + string.Join(", ", references.Select(r => r.ArtifactId)))}");
        return Task.FromResult(new StagedInputs([]));
    }

    public void Remove(string jobId) => plan.Add(PlannedActionKind.Stage, jobId, "remove the job's directory (retention passed)");

    /// <summary>Nothing is written: the shadow's planned log artifact lists the job's own log files only.</summary>
    public Task<UsageFile?> WriteUsageAsync(JobDirectories dirs, Scheduling.Usage.JobUsage usage, CancellationToken ct)
    {
        plan.Add(PlannedActionKind.Stage, null, $"write {Path.Join(dirs.Root, UsageFile.Name)} for the log artifact");
        return Task.FromResult<UsageFile?>(null);
    }

    /// <summary>Nothing is moved: the shadow registers the files where the job left them, and says where they would go.</summary>
    public Task<PosixPlacement> PlacePosixResultsAsync(string jobId, JobDirectories dirs, IReadOnlyList<OutputFile> logs,
        IReadOnlyList<OutputFile> outputs, CancellationToken ct)
    {
        var destination = Path.Join(posixOutputRoot, jobId);
        plan.Add(PlannedActionKind.Stage, jobId, $"move {logs.Count + outputs.Count} posix result file(s) to {destination}");
        return Task.FromResult(new PosixPlacement(destination, logs, outputs));
    }

    public void RestorePosixResults(string jobId, JobDirectories dirs) { }

    public void RemovePosixResults(string jobId) =>
        plan.Add(PlannedActionKind.Stage, jobId, "remove the job's posix results (staging.posix_output_retention_days passed)");
}
