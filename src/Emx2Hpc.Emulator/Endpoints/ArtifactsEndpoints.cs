using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Artifact creation, reads, deletion and commit (SERVER-SPEC §6.5). Files are in ArtifactFilesEndpoints.</summary>
internal static class ArtifactsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ArtifactService artifacts)
    {
        app.Route("POST", "/api/hpc/artifacts", RouteAccess.Editor, async context =>
        {
            var created = await artifacts.CreateAsync(await RequestBody.ReadObjectAsync(context));
            await JsonResponses.CreatedAsync(context, ArtifactJson.Created(created));
        });

        app.Route("GET", "/api/hpc/artifacts/{id}", RouteAccess.Viewer, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            await JsonResponses.OkAsync(context, ArtifactJson.Build(await artifacts.GetAsync(id)));
        });

        app.Route("DELETE", "/api/hpc/artifacts/{id}", RouteAccess.Manager, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            await artifacts.DeleteAsync(id);
            JsonResponses.NoContent(context);
        });

        app.Route("POST", "/api/hpc/artifacts/{id}/commit", RouteAccess.Editor, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var body = await RequestBody.ReadObjectAsync(context);
            var committed = await artifacts.CommitAsync(id, JsonFields.String(body, "sha256"), JsonFields.Long(body, "size_bytes"));
            await JsonResponses.OkAsync(context, ArtifactJson.Build(committed));
        });
    }
}
