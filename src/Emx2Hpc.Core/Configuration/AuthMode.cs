namespace Emx2Hpc.Core.Configuration;

/// <summary>How the worker authenticates to EMX2: HMAC-signed requests with a worker secret (the normal
/// case), or an EMX2 user token sent as <c>x-molgenis-token</c> (the secret holds the token).</summary>
public enum AuthMode
{
    Hmac,
    Token,
}
