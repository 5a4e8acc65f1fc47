namespace Emx2Hpc;

/// <summary>One job of the Python daemon's tracker and what the import does with it.</summary>
public sealed class PythonImportDecision
{
    public string JobId { get; init; } = "";
    public PythonImportAction Action { get; init; }
    public string Reason { get; init; } = "";
    /// <summary>The local phase the job is tracked in after the import (Import only).</summary>
    public TrackedJobPhase? Phase { get; init; }
    public string? SlurmJobId { get; init; }
}
