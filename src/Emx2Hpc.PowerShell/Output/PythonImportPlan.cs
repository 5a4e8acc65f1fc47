namespace Emx2Hpc;

/// <summary>The takeover of the Python emx2-hpc-daemon's jobs (Import-HpcPythonState): one decision per job, and
/// whatever blocks applying it (the Python daemon still running or scheduled by cron).</summary>
public sealed class PythonImportPlan
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public bool Applied { get; init; }
    public string[] Blockers { get; init; } = [];
    public PythonImportDecision[] Decisions { get; init; } = [];
    public int Imported { get; init; }
    public int Skipped { get; init; }
    public int Refused { get; init; }
}
