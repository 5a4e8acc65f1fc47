using System.Text.Json.Nodes;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Emx2Hpc.Emulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>GET /api/hpc/health: no headers, no auth, answers even while disabled (SERVER-SPEC §6.1).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app, EmulatorSettings settings, HpcDatabase db) =>
        app.MapGet(GateMiddleware.HealthPath, context =>
        {
            var healthy = db.Probe();
            var body = new JsonObject
            {
                ["status"] = healthy ? "ok" : "degraded",
                ["api_version"] = ProtocolConstants.ApiVersion,
                ["hpc_enabled"] = settings.Enabled,
                ["hpc_initialized"] = settings.Initialized,
                ["worker_auth_mode"] = "per-worker-hmac",
                ["credentials_key_configured"] = settings.HasCredentialsKey,
                ["database"] = healthy ? "connected" : "error",
            };
            if (!healthy) body["database_error"] = "database probe failed";
            return JsonResponses.OkAsync(context, body);
        }).WithMetadata(PublicEndpoint.Instance);
}
