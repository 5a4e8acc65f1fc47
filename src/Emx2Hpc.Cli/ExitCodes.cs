namespace Emx2Hpc.Cli;

/// <summary>Stable exit codes scripts rely on (ARCHITECTURE.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The work failed: EMX2 unreachable, auth refused, a check failed.</summary>
    public const int WorkFailed = 1;
    /// <summary>Usage or configuration error; the message names the file, line and key.</summary>
    public const int Usage = 2;
}
