namespace Emx2Hpc.Core.Protocol;

internal static class Hex
{
    // Convert.ToHexStringLower is .NET 9+; Core targets net8.0 for PowerShell 7.4.
    public static string Lower(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
