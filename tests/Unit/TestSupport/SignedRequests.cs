using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Tests.Unit.TestSupport;

/// <summary>A worker's HMAC identity.</summary>
public sealed record HmacCredential(string WorkerId, string Secret);

/// <summary>Builds protocol requests for tests: HMAC-signed with Core's HmacSigner, as a token user, or with the
/// protocol headers only. The path goes on the wire exactly as given (no dot-segment removal, no re-encoding),
/// because the signature covers the raw path.</summary>
public static class SignedRequests
{
    public static HttpRequestMessage Hmac(Uri baseUrl, HttpMethod method, string pathAndQuery, HmacCredential credential,
        string? json = null, byte[]? bytes = null, string? contentSha256 = null, DateTimeOffset? at = null, string? nonce = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        nonce ??= Guid.NewGuid().ToString("N");
        var request = Unsigned(baseUrl, method, pathAndQuery, json, bytes, contentSha256, timestamp);
        var bodyHash = json is not null ? BodyHash.OfUtf8(json) : bytes is not null ? request.Headers.GetValues(ProtocolHeaders.ContentSha256).Single() : BodyHash.Empty;
        var signature = HmacSigner.Sign(credential.Secret, method.Method, pathAndQuery, bodyHash, timestamp, nonce);
        request.Headers.Authorization = new AuthenticationHeaderValue(ProtocolConstants.AuthorizationScheme, signature);
        request.Headers.Add(ProtocolHeaders.Nonce, nonce);
        request.Headers.Add(ProtocolHeaders.WorkerId, credential.WorkerId);
        return request;
    }

    public static HttpRequestMessage User(Uri baseUrl, HttpMethod method, string pathAndQuery, string token, string? json = null,
        byte[]? bytes = null, string? contentSha256 = null)
    {
        var request = Unsigned(baseUrl, method, pathAndQuery, json, bytes, contentSha256);
        request.Headers.Add(ProtocolHeaders.MolgenisToken, token);
        return request;
    }

    /// <summary>Protocol headers (version, request id, timestamp) and the body, but no credentials.</summary>
    public static HttpRequestMessage Unsigned(Uri baseUrl, HttpMethod method, string pathAndQuery, string? json = null,
        byte[]? bytes = null, string? contentSha256 = null, string? timestamp = null)
    {
        var request = new HttpRequestMessage(method, RawUri(baseUrl, pathAndQuery));
        request.Headers.Add(ProtocolHeaders.ApiVersion, ProtocolConstants.ApiVersion);
        request.Headers.Add(ProtocolHeaders.RequestId, Guid.NewGuid().ToString());
        request.Headers.Add(ProtocolHeaders.Timestamp, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        if (json is not null) request.Content = JsonContent(json);
        if (bytes is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Headers.Add(ProtocolHeaders.ContentSha256, contentSha256 ?? BodyHash.Of(bytes));
        }
        return request;
    }

    /// <summary>Exactly these bytes with Content-Type application/json (no charset parameter added).</summary>
    public static ByteArrayContent JsonContent(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue(ProtocolConstants.JsonContentType);
        return content;
    }

    public static Uri RawUri(Uri baseUrl, string pathAndQuery) =>
        new(baseUrl.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
}
