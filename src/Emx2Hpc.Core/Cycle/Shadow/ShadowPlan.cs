using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Core.Cycle.Shadow;

/// <summary>What a shadow cycle would have done to the outside world.</summary>
public enum PlannedActionKind { Register, Heartbeat, Claim, Report, Complete, Cancel, CreateArtifact, Upload, Commit, Delete, Stage, Submit, CancelScheduled, Other }

/// <summary>One side effect a shadow cycle held back: its kind, the EMX2 job it concerns (when known) and what exactly
/// would have been sent or run.</summary>
public sealed record PlannedAction(PlannedActionKind Kind, string? JobId, string Description)
{
    public override string ToString() => $"would {Description}";
}

/// <summary>Collects the side effects of one shadow cycle, in the order the cycle attempted them, and logs each as it
/// is held back (so a day of `run --shadow` beside the Python daemon reads like its log, one "would ..." per action).</summary>
public sealed class ShadowPlan(HpcLog log)
{
    private readonly List<PlannedAction> _actions = [];

    public IReadOnlyList<PlannedAction> Actions { get { lock (_actions) return _actions.ToList(); } }

    public void Add(PlannedActionKind kind, string? jobId, string description)
    {
        var action = new PlannedAction(kind, jobId, description);
        lock (_actions) _actions.Add(action);
        log.Info($"shadow: {action}", ("shadow_action", kind.ToString()), ("job_id", jobId));
    }
}
