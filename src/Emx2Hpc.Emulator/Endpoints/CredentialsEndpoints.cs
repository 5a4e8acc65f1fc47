using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Per-worker credential management: user-only, Manager (SERVER-SPEC §6.3).</summary>
internal static class CredentialsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, CredentialService credentials)
    {
        const string basePath = "/api/hpc/workers/{id}/credentials";

        app.Route("POST", $"{basePath}/issue", RouteAccess.ManagerUserOnly, async context =>
        {
            var body = await RequestBody.ReadObjectOrEmptyAsync(context);
            var issued = await credentials.IssueAsync(context.RouteValue("id"), body, HpcCall.Of(context).Principal.UserName);
            await JsonResponses.CreatedAsync(context, WorkerJson.Issued(issued, rotated: false));
        });

        app.Route("POST", $"{basePath}/rotate", RouteAccess.ManagerUserOnly, async context =>
        {
            var body = await RequestBody.ReadObjectOrEmptyAsync(context);
            var issued = await credentials.RotateAsync(context.RouteValue("id"), body, HpcCall.Of(context).Principal.UserName);
            await JsonResponses.OkAsync(context, WorkerJson.Issued(issued, rotated: true));
        });

        app.Route("POST", $"{basePath}/{{credentialId}}/revoke", RouteAccess.ManagerUserOnly, async context =>
        {
            var revoked = await credentials.RevokeAsync(context.RouteValue("id"), context.RouteValue("credentialId"));
            await JsonResponses.OkAsync(context, WorkerJson.Credential(revoked));
        });

        app.Route("GET", basePath, RouteAccess.ManagerUserOnly, async context =>
        {
            var workerId = context.RouteValue("id");
            var rows = await credentials.ListAsync(workerId);
            await JsonResponses.OkAsync(context, WorkerJson.CredentialList(workerId, rows));
        });
    }
}
