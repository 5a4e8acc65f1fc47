namespace Emx2Hpc.Core.Emx2;

/// <summary>EMX2 could not be reached or kept failing: connection refused, DNS failure, timeouts, 5xx/408/429
/// after the retries the call allows. The message names the base URL so a wrong URL is obvious.</summary>
public sealed class Emx2UnavailableException(Emx2ErrorInfo info, string hint, bool mayHaveReachedServer, Exception? inner = null)
    : Emx2ApiException(info, hint, inner)
{
    /// <summary>False only when the request provably never left this host (connect/DNS/TLS failure). When true,
    /// a non-idempotent call (claim, create) may have taken effect and must be reconciled, not blindly repeated.</summary>
    public bool MayHaveReachedServer { get; } = mayHaveReachedServer;
}
