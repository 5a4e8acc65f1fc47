using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.Emx2;

/// <summary>Worker credential management. These routes are user-only (token mode, Manager role): an HMAC
/// worker gets 403 (SERVER-SPEC §6.3).</summary>
public sealed partial class Emx2Client
{
    /// <summary>POST /workers/{id}/credentials/issue. Not repeated once sent: a second issue answers 409 and the
    /// secret of the first would be lost with its response.</summary>
    public Task<IssuedCredentialDto> IssueCredentialAsync(string workerId, IssueCredentialRequest? request = null, CancellationToken ct = default) =>
        SendJsonAsync<IssuedCredentialDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("workers", workerId, "credentials", "issue"))
        {
            Body = JsonBody.From(request ?? new IssueCredentialRequest()),
            Retry = RetryMode.UnsentOnly,
        }, ct, RequireSecret);

    /// <summary>POST /workers/{id}/credentials/rotate. Not repeated once sent: each rotation revokes the previous
    /// secret, so a blind retry after a lost response would discard the one just issued.</summary>
    public Task<IssuedCredentialDto> RotateCredentialAsync(string workerId, IssueCredentialRequest? request = null, CancellationToken ct = default) =>
        SendJsonAsync<IssuedCredentialDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("workers", workerId, "credentials", "rotate"))
        {
            Body = JsonBody.From(request ?? new IssueCredentialRequest()),
            Retry = RetryMode.UnsentOnly,
        }, ct, RequireSecret);

    /// <summary>POST /workers/{id}/credentials/{cid}/revoke. Retried: revoking twice is a 200 no-op.</summary>
    public Task<CredentialDto> RevokeCredentialAsync(string workerId, string credentialId, CancellationToken ct = default) =>
        SendJsonAsync<CredentialDto>(new ApiRequest(HttpMethod.Post, PathBuilder.Api("workers", workerId, "credentials", credentialId, "revoke")), ct,
            c => string.IsNullOrEmpty(c.Id) ? "credential without id" : null);

    /// <summary>GET /workers/{id}/credentials (metadata only, newest first; never the secrets).</summary>
    public async Task<IReadOnlyList<CredentialDto>> ListCredentialsAsync(string workerId, CancellationToken ct = default)
    {
        var list = await SendJsonAsync<ItemList<CredentialDto>>(
            new ApiRequest(HttpMethod.Get, PathBuilder.Api("workers", workerId, "credentials")), ct).ConfigureAwait(false);
        return list.Items;
    }

    private static string? RequireSecret(IssuedCredentialDto c) =>
        string.IsNullOrEmpty(c.Secret) ? "issued credential without secret" : null;
}
