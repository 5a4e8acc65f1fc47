namespace Emx2Hpc;

/// <summary>One check of Test-HpcConfig: configuration, secret file, Slurm and Apptainer binaries, EMX2
/// connectivity and authentication, clock skew.</summary>
public sealed class CheckResult
{
    public string Name { get; init; } = "";
    public CheckStatus Status { get; init; }
    public string Detail { get; init; } = "";
}
