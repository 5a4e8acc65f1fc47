using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emx2;

/// <summary>Shared setup: a client over a scripted handler with a deterministic clock and jitter, and a
/// verifier that checks signatures the way the EMX2 server does (SERVER-SPEC §4.2 step 3 and §5).</summary>
public static class ClientFixture
{
    public const string Secret = "contract-secret-0123456789abcdef0123456789";
    public const string WorkerId = "worker-1";
    public const string JobId = "550e8400-e29b-41d4-a716-446655440000";
    public const string ArtifactId = "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";

    public static Emx2ClientOptions Options(TestClock clock, string baseUrl = "https://emx2.test/", Emx2AuthMode mode = Emx2AuthMode.Hmac,
        int maxAttempts = 4, double jitter = 0.5) => new()
        {
            BaseUrl = new Uri(baseUrl),
            WorkerId = WorkerId,
            Secret = Secret,
            AuthMode = mode,
            MaxAttempts = maxAttempts,
            BackoffBase = TimeSpan.FromSeconds(0.5),
            BackoffMax = TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromHours(1),
            TransferTimeout = TimeSpan.FromHours(1),
            Clock = clock,
            Jitter = () => jitter,
        };

    public static (Emx2Client Client, ScriptedHandler Handler, TestClock Clock) Create(
        Func<TestClock, Emx2ClientOptions>? options = null, HpcLog? log = null)
    {
        var clock = new TestClock();
        var handler = new ScriptedHandler();
        var client = new Emx2Client(options?.Invoke(clock) ?? Options(clock), log, handler);
        return (client, handler, clock);
    }

    /// <summary>Recomputes the signature from the recorded request like the server: JSON bodies are hashed as
    /// received, anything else uses Content-SHA256 verbatim, no body hashes the empty string.</summary>
    public static void AssertSignedByServerRules(RecordedRequest r, string secret = Secret)
    {
        var auth = r.Header("Authorization");
        Assert.NotNull(auth);
        Assert.StartsWith("HMAC-SHA256 ", auth);
        var contentType = r.Header("Content-Type") ?? "";
        var bodyHash = contentType.StartsWith("application/json", StringComparison.Ordinal)
            ? Hex(SHA256.HashData(r.Body))
            : r.Header(ProtocolHeaders.ContentSha256) is { Length: > 0 } declared ? declared : BodyHash.Empty;
        var expected = HmacSigner.Sign(secret, r.Method, r.PathAndQuery, bodyHash, r.Header(ProtocolHeaders.Timestamp)!, r.Header(ProtocolHeaders.Nonce)!);
        Assert.Equal("HMAC-SHA256 " + expected, auth);
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static string JobJson(string id = JobId, string status = "PENDING", string? workerId = null, string? claimedAt = null) =>
        $$"""{"id":"{{id}}","processor":"embed","profile":"gpu","status":"{{status}}","worker_id":{{Str(workerId)}},"slurm_job_id":null,"claimed_at":{{Str(claimedAt)}},"_links":{"self":{"href":"/api/hpc/jobs/{{id}}","method":"GET"} } }""";

    public static string ArtifactJson(string status, string? sha256, string id = ArtifactId) =>
        $$"""{"id":"{{id}}","name":"out","type":"blob","residence":"managed","status":"{{status}}","sha256":{{Str(sha256)}},"size_bytes":"10","content_url":null,"created_at":"2026-03-11T10:00:00","committed_at":null}""";

    private static string Str(string? s) => s is null ? "null" : $"\"{s}\"";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
