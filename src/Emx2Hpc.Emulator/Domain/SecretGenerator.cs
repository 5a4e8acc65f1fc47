using System.Security.Cryptography;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Worker secrets as the server issues them: 32 random bytes, base64url without padding (43 chars).</summary>
internal static class SecretGenerator
{
    public static string New() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
