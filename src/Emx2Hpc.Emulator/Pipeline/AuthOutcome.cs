using Emx2Hpc.Emulator.Model;
namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Result of authentication: a principal, or the status and detail of the refusal (401, or 503 when HMAC
/// needs the missing credentials key).</summary>
internal sealed record AuthOutcome(HpcPrincipal? Principal, int Status, string? Detail)
{
    public static AuthOutcome Success(HpcPrincipal principal) => new(principal, 200, null);
    public static AuthOutcome Unauthorized(string detail) => new(null, 401, detail);
    public static AuthOutcome Unavailable(string detail) => new(null, 503, detail);
}
