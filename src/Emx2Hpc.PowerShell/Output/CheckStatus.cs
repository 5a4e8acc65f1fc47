namespace Emx2Hpc;

/// <summary>The outcome of one Test-HpcConfig check.</summary>
public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}
