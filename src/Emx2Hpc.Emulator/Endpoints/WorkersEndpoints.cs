using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Worker registration, heartbeat and deletion (SERVER-SPEC §6.2).</summary>
internal static class WorkersEndpoints
{
    public static void Map(IEndpointRouteBuilder app, WorkerService workers)
    {
        app.Route("POST", "/api/hpc/workers/register", RouteAccess.WorkerEndpoint, async context =>
        {
            var body = await RequestBody.ReadObjectAsync(context);
            var worker = await workers.RegisterAsync(HpcCall.Of(context).WorkerIdHeader!, body);
            await JsonResponses.OkAsync(context, WorkerJson.Registered(worker));
        });

        app.Route("POST", "/api/hpc/workers/{id}/heartbeat", RouteAccess.WorkerEndpoint, async context =>
        {
            var id = context.RouteValue("id");
            await workers.HeartbeatAsync(id, HpcCall.Of(context).WorkerIdHeader!);
            await JsonResponses.OkAsync(context, WorkerJson.Heartbeat(id));
        });

        app.Route("DELETE", "/api/hpc/workers/{id}", RouteAccess.ManagerUserOnly, async context =>
        {
            await workers.DeleteAsync(context.RouteValue("id"));
            JsonResponses.NoContent(context);
        });
    }
}
