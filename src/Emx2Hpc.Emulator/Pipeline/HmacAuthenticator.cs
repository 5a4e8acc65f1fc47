using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>HMAC worker verification (SERVER-SPEC §4.2, §5). The secret is the worker's newest ACTIVE credential
/// or, SS-era style, the shared secret, which any worker id may use.</summary>
internal sealed class HmacAuthenticator(EmulatorClock clock, EmulatorSettings settings, CredentialService credentials, NonceCache nonces)
{
    private const string SchemePrefix = ProtocolConstants.AuthorizationScheme + " ";

    public async Task<AuthOutcome> AuthenticateAsync(HttpContext context, string authorization)
    {
        var request = context.Request;
        var rawPath = HpcCall.RawPath(context);
        AuthOutcome Fail(string reason) => AuthOutcome.Unauthorized($"HMAC auth failed at {rawPath}: {reason}");

        var workerId = request.Headers[ProtocolHeaders.WorkerId].ToString();
        if (string.IsNullOrWhiteSpace(workerId)) return Fail("Missing X-Worker-Id header");

        var stored = await credentials.ActiveForAsync(workerId);
        var secrets = new List<(string Secret, string? CredentialId)>();
        if (stored is not null)
        {
            if (settings.HasCredentialsKey) secrets.Add((stored.Secret, stored.Id));
            else if (settings.SharedSecret is null)
                return AuthOutcome.Unavailable("HMAC auth unavailable: MOLGENIS_HPC_CREDENTIALS_KEY must be set");
        }
        if (settings.SharedSecret is { } shared) secrets.Add((shared, null));
        if (secrets.Count == 0) return AuthOutcome.Unauthorized($"No active credential for worker {workerId}");

        string bodyHash;
        if (request.ContentType?.StartsWith(ProtocolConstants.JsonContentType, StringComparison.Ordinal) == true)
        {
            // The server hashes the body string re-encoded as UTF-8; for valid UTF-8 that is the bytes as sent.
            bodyHash = BodyHash.OfUtf8(Encoding.UTF8.GetString(await RequestBody.ReadBytesAsync(context)));
        }
        else
        {
            var declared = request.Headers[ProtocolHeaders.ContentSha256].ToString();
            if (!string.IsNullOrWhiteSpace(declared)) bodyHash = declared; // verbatim: not trimmed, not lower-cased
            else if (HasBody(request)) return Fail("Content-SHA256 header is required for requests with a body");
            else bodyHash = BodyHash.Empty;
        }

        if (!authorization.StartsWith(SchemePrefix, StringComparison.Ordinal))
            return Fail($"Authorization header must start with '{SchemePrefix}'");
        var signature = authorization[SchemePrefix.Length..].Trim();
        var timestampText = request.Headers[ProtocolHeaders.Timestamp].ToString();
        var now = clock.UnixSeconds;
        if (!HeaderValidator.TryParseTimestamp(timestampText, out var timestamp))
            return Fail("Invalid X-Timestamp");
        if (Math.Abs(now - timestamp) > ProtocolConstants.HmacClockWindowSeconds)
            return Fail($"Request timestamp is outside the allowed window of {ProtocolConstants.HmacClockWindowSeconds} seconds");
        var nonce = request.Headers[ProtocolHeaders.Nonce].ToString();
        if (string.IsNullOrWhiteSpace(nonce)) return Fail("Missing X-Nonce header");
        // Recorded before the signature is checked, as on the server: a forged request still burns its nonce.
        if (settings.ReplayCache == ReplayCacheMode.Global && !nonces.TryRecord(nonce, timestamp, now))
            return Fail("Nonce has already been used (replay)");

        var canonical = HmacSigner.CanonicalString(request.Method, HpcCall.RawTarget(context), bodyHash, timestampText, nonce);
        foreach (var (secret, credentialId) in secrets)
        {
            if (!HmacSigner.SignatureEquals(HmacSigner.Sign(secret, canonical), signature)) continue;
            if (credentialId is not null) await credentials.TouchAsync(credentialId);
            return AuthOutcome.Success(HpcPrincipal.Worker(workerId));
        }
        return Fail("Invalid signature");
    }

    /// <summary>The server's notion of "has a body": never for GET/HEAD/DELETE, else chunked or a positive length.</summary>
    private static bool HasBody(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsDelete(request.Method)) return false;
        return !string.IsNullOrWhiteSpace(request.Headers.TransferEncoding.ToString()) || request.ContentLength > 0;
    }
}
