namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Endpoint metadata: served without the gate (GET /api/hpc/health needs no headers and no credentials,
/// SERVER-SPEC §6.1). Every other endpoint is guarded (<see cref="GateMiddleware"/>).</summary>
internal sealed class PublicEndpoint
{
    public static readonly PublicEndpoint Instance = new();
}
