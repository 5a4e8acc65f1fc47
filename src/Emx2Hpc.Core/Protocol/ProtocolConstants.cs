namespace Emx2Hpc.Core.Protocol;

/// <summary>Normative constants of the EMX2 HPC protocol (mirrors protocol/hpc-protocol.json; a unit test
/// compares every value against that file so drift is caught at build time, not in production).</summary>
public static class ProtocolConstants
{
    public const string ApiVersion = "2025-01";
    public const string BasePath = "/api/hpc";

    /// <summary>HMAC callers must be within this many seconds of the server clock (exactly 300 passes).</summary>
    public const int HmacClockWindowSeconds = 300;

    /// <summary>Server-side nonce cache size before least-recently-used eviction.</summary>
    public const int NonceCacheCapacity = 50_000;

    /// <summary>Default MOLGENIS_HPC_MAX_UPLOAD_BYTES.</summary>
    public const long DefaultMaxUploadBytes = 524_288_000;

    public const int DefaultPageLimit = 100;

    public const string AuthorizationScheme = "HMAC-SHA256";
    public const string ProblemJsonContentType = "application/problem+json";
    public const string JsonContentType = "application/json";
}
