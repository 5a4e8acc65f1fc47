namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>One simulated job as persisted in &lt;state&gt;/jobs/&lt;id&gt;.json. Raw states use Slurm's words so the
/// same <see cref="Slurm.SlurmStateMap"/> decides what they mean. Environment values are not stored: the
/// simulation only ever reports variable names.</summary>
internal sealed record SimulatedJobRecord
{
    public required string Id { get; init; }
    public required string Emx2JobId { get; init; }
    /// <summary>Submitted the way the Python emx2-hpc-daemon did: named "emx2-" + 8 characters, no comment tag.</summary>
    public bool LegacyName { get; init; }
    public required string RawState { get; init; }
    public string? ExitCode { get; init; }
    public required SimulationPlan Plan { get; init; }
    /// <summary>How many passes have observed the job Running so far.</summary>
    public int RunningPasses { get; init; }
    public required string Root { get; init; }
    public required string Input { get; init; }
    public required string Output { get; init; }
    public required string Work { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public IReadOnlyList<string> EnvironmentNames { get; init; } = [];
    /// <summary>The allocation the job asked for, as sacct's AllocTRES would print it (see SimulatedUsage).</summary>
    public string? AllocTres { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
}
