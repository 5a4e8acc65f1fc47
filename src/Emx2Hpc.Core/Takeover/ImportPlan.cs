using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Takeover;

public enum ImportAction
{
    /// <summary>Tracked by this worker from now on.</summary>
    Import,
    /// <summary>Nothing to carry over (finished or gone in EMX2, or imported already).</summary>
    Skip,
    /// <summary>Cannot be carried over safely; the reason says what to fix.</summary>
    Refuse,
}

/// <summary>What the import does with one row of the Python tracker.</summary>
public sealed record ImportDecision
{
    public required string JobId { get; init; }
    public required ImportAction Action { get; init; }
    public required string Reason { get; init; }
    /// <summary>The row this worker will track (Import only).</summary>
    public TrackedJob? Row { get; init; }
    /// <summary>Report to queue with the row (EMX2 still says CLAIMED although the job is in the scheduler).</summary>
    public string? SubmittedReport { get; init; }
    /// <summary>Artifacts the Python daemon already committed for the job: reused, never made twice.</summary>
    public IReadOnlyList<ArtifactUpload> Uploads { get; init; } = [];
    /// <summary>Skip of a job EMX2 has ended: remembered as finished so adoption never resurrects it.</summary>
    public string? FinishedStatus { get; init; }

    public override string ToString() => $"{Action.ToString().ToLowerInvariant(),-7} {JobId}: {Reason}";
}

/// <summary>The whole import: one decision per Python row, plus anything that blocks applying it at all.</summary>
public sealed record ImportPlan
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public IReadOnlyList<ImportDecision> Decisions { get; init; } = [];
    /// <summary>Signs the Python daemon still runs (process, cron line): --apply refuses while any is present.</summary>
    public IReadOnlyList<string> Blockers { get; init; } = [];
    public bool Applied { get; init; }

    public int Count(ImportAction action) => Decisions.Count(d => d.Action == action);

    public IEnumerable<string> Describe()
    {
        yield return $"Python tracker: {Source}";
        yield return $"this worker's state database: {Destination}";
        foreach (var blocker in Blockers) yield return $"BLOCKED: the Python emx2-hpc-daemon is still active: {blocker}";
        foreach (var decision in Decisions) yield return decision.ToString();
        yield return $"{Count(ImportAction.Import)} to import, {Count(ImportAction.Skip)} skipped, {Count(ImportAction.Refuse)} refused" +
                     (Applied ? "; applied" : "; nothing written (run with --apply / without -WhatIf to write it)");
    }
}
