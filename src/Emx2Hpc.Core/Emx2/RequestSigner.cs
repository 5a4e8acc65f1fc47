using System.Globalization;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Puts the protocol headers and credentials on one attempt of a request. Each attempt gets a fresh
/// request id, timestamp and nonce: the server refuses reused nonces and stale timestamps.</summary>
internal sealed class RequestSigner(Emx2ClientOptions options)
{
    /// <summary>Signs <paramref name="request"/> whose RequestUri is final. Returns the request id.</summary>
    public string Apply(HttpRequestMessage request, string bodyHash, string? contentSha256)
    {
        var requestId = Guid.NewGuid().ToString("D");
        var timestamp = options.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var headers = request.Headers;
        headers.TryAddWithoutValidation(ProtocolHeaders.ApiVersion, ProtocolConstants.ApiVersion);
        headers.TryAddWithoutValidation(ProtocolHeaders.RequestId, requestId);
        headers.TryAddWithoutValidation(ProtocolHeaders.Timestamp, timestamp);
        if (!string.IsNullOrEmpty(options.WorkerId)) headers.TryAddWithoutValidation(ProtocolHeaders.WorkerId, options.WorkerId);
        if (contentSha256 is not null) headers.TryAddWithoutValidation(ProtocolHeaders.ContentSha256, contentSha256);

        switch (options.AuthMode)
        {
            case Emx2AuthMode.Hmac:
                var nonce = Guid.NewGuid().ToString("N");
                // The server signs its raw request path + "?" + raw query; RequestUri.PathAndQuery is the escaped
                // form HttpClient writes on the request line, base-URL prefix included.
                var signature = HmacSigner.Sign(options.Secret!, request.Method.Method,
                    request.RequestUri!.PathAndQuery, bodyHash, timestamp, nonce);
                headers.TryAddWithoutValidation(ProtocolHeaders.Nonce, nonce);
                headers.TryAddWithoutValidation("Authorization", HmacSigner.AuthorizationValue(signature));
                break;
            case Emx2AuthMode.Token:
                headers.TryAddWithoutValidation(ProtocolHeaders.MolgenisToken, options.Secret);
                break;
            case Emx2AuthMode.None:
                break;
        }
        return requestId;
    }
}
