using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Job creation, listing, reads and deletion (SERVER-SPEC §6.4). Lifecycle moves are in JobLifecycleEndpoints.</summary>
internal static class JobsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, JobService jobs)
    {
        app.Route("POST", "/api/hpc/jobs", RouteAccess.Editor, async context =>
        {
            var body = await RequestBody.ReadObjectAsync(context);
            // submit_user comes from the authenticated user (null for HMAC); a body value is ignored.
            var job = await jobs.CreateAsync(body, HpcCall.Of(context).Principal.UserName);
            await JsonResponses.CreatedAsync(context, new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = job.Id,
                ["status"] = job.Status,
                ["_links"] = Links.ForJob(job.Id, job.Status),
            });
        });

        app.Route("GET", "/api/hpc/jobs", RouteAccess.Viewer, async context =>
        {
            var query = context.Request.Query;
            // Absent status means PENDING; an empty or unknown one simply matches nothing.
            var status = query.TryGetValue("status", out var s) ? s.ToString() : JobStatus.Pending;
            var paging = Paging.From(query);
            var (items, total) = await jobs.ListAsync(status, NonBlank(query["processor"]), NonBlank(query["profile"]), paging);
            context.Response.Headers[ProtocolHeaders.TotalCount] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await JsonResponses.OkAsync(context, PagedJson.Build(items.Select(JobJson.Build), total, paging, Links.Self("/api/hpc/jobs")));
        });

        app.Route("GET", "/api/hpc/jobs/{id}", RouteAccess.Viewer, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            await JsonResponses.OkAsync(context, JobJson.Build(await jobs.GetAsync(id)));
        });

        app.Route("DELETE", "/api/hpc/jobs/{id}", RouteAccess.Editor, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            await jobs.DeleteAsync(id, HpcCall.Of(context).Principal);
            JsonResponses.NoContent(context);
        });

        // Does not check that the job exists: an unknown (valid) id has an empty history.
        app.Route("GET", "/api/hpc/jobs/{id}/transitions", RouteAccess.Viewer, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            await JsonResponses.OkAsync(context, TransitionJson.List(await jobs.TransitionsAsync(id)));
        });
    }

    private static string? NonBlank(Microsoft.Extensions.Primitives.StringValues values) =>
        string.IsNullOrWhiteSpace(values.ToString()) ? null : values[0];
}
