using System.Security.Cryptography;
using System.Text;

namespace Emx2Hpc.Core.Protocol;

/// <summary>HMAC-SHA256 request signing as the EMX2 server verifies it (SERVER-SPEC §5).
/// Canonical string: METHOD \n PATH \n BODY_HASH \n TIMESTAMP \n NONCE, no trailing newline, where PATH is
/// the raw encoded path plus "?query" exactly as sent on the wire.</summary>
public static class HmacSigner
{
    public static string CanonicalString(string method, string pathAndQuery, string bodyHash, string timestamp, string nonce) =>
        string.Join('\n', method.ToUpperInvariant(), pathAndQuery, bodyHash, timestamp, nonce);

    public static string Sign(string secret, string canonical) =>
        Hex.Lower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(canonical)));

    public static string Sign(string secret, string method, string pathAndQuery, string bodyHash, string timestamp, string nonce) =>
        Sign(secret, CanonicalString(method, pathAndQuery, bodyHash, timestamp, nonce));

    public static string AuthorizationValue(string signatureHex) => $"{ProtocolConstants.AuthorizationScheme} {signatureHex}";

    /// <summary>Constant-time comparison of hex strings. Case-sensitive on purpose: the server compares bytes,
    /// so an upper-case signature fails there too and must fail here.</summary>
    public static bool SignatureEquals(string expectedHex, string suppliedHex) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expectedHex), Encoding.ASCII.GetBytes(suppliedHex));
}
