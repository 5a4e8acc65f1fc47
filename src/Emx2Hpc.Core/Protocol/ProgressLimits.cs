namespace Emx2Hpc.Core.Protocol;

/// <summary>Bounds the server enforces on structured progress (hpc-protocol.json progressFieldLimits).</summary>
public static class ProgressLimits
{
    public const int PhaseMaxLength = 100;
    public const int MessageMaxLength = 500;
    public const double ProgressMin = 0.0;
    public const double ProgressMax = 1.0;
}
