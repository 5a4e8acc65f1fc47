namespace Emx2Hpc.Core.Scheduling;

/// <summary>Everything a scheduler needs to run one EMX2 job, already validated: resolved resources from the
/// profile, the execution mode, and job-supplied args/environment that passed validation. Schedulers must
/// still treat every string from a job as hostile and shell-quote it.</summary>
public sealed record BatchJobSpec
{
    public required string Emx2JobId { get; init; }
    public required JobDirectories Directories { get; init; }
    public required ExecutionSpec Execution { get; init; }
    public required ResourceSpec Resources { get; init; }

    /// <summary>parameters.args, each already rendered as a string (JSON booleans as true/false).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The job's allowed variables with the profile's environment on top (profile values win).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The job's parameters object as compact JSON ("{}" when absent), exported as HPC_PARAMETERS.</summary>
    public string ParametersJson { get; init; } = "{}";
}

public enum ExecutionMode { Host, Apptainer }

/// <summary>What runs: a host entrypoint, or a container entrypoint inside an Apptainer image.</summary>
public sealed record ExecutionSpec
{
    public required ExecutionMode Mode { get; init; }
    public string? HostEntrypoint { get; init; }
    public string? SifImage { get; init; }
    public string? ContainerEntrypoint { get; init; }
    public IReadOnlyList<string> BindPaths { get; init; } = [];
}

/// <summary>Scheduler resources resolved from the profile and slurm defaults.</summary>
public sealed record ResourceSpec
{
    public string? Partition { get; init; }
    public string? Account { get; init; }
    public string? Qos { get; init; }
    public int Cpus { get; init; } = 1;
    public string? Memory { get; init; }
    public string? Time { get; init; }
    public string? Gpus { get; init; }
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
}
