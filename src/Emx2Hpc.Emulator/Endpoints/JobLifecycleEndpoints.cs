using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Json;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Microsoft.AspNetCore.Routing;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Claim, transition, complete and cancel (SERVER-SPEC §6.4, §7). All answer 200 with the job.</summary>
internal static class JobLifecycleEndpoints
{
    public static void Map(IEndpointRouteBuilder app, JobService jobs, ClaimService claims, TransitionService transitions)
    {
        app.Route("POST", "/api/hpc/jobs/{id}/claim", RouteAccess.WorkerEndpoint, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var worker = HpcCall.Of(context).WorkerIdHeader!;
            var body = await RequestBody.ReadObjectAsync(context);
            TransitionRequestParser.RequireMatchingWorker(body, worker);
            await JsonResponses.OkAsync(context, JobJson.Build(await claims.ClaimAsync(id, worker)));
        });

        // /transition and /complete share the algorithm (SERVER-SPEC §7.2); /complete only accepts terminal targets.
        foreach (var (route, terminalOnly, verb) in new[] { ("transition", false, "transition"), ("complete", true, "complete") })
            app.Route("POST", $"/api/hpc/jobs/{{id}}/{route}", RouteAccess.WorkerEndpoint, async context =>
            {
                var id = JavaUuid.RequirePathId(context.RouteValue("id"));
                var body = await RequestBody.ReadObjectAsync(context);
                var request = TransitionRequestParser.Parse(body, HpcCall.Of(context).WorkerIdHeader!, terminalOnly);
                var job = await transitions.ApplyAsync(id, request, j => $"Cannot {verb} job {id} from {j.Status} to {request.Target}");
                await JsonResponses.OkAsync(context, JobJson.Build(job));
            });

        // Body ignored, X-Worker-Id not needed: the caller cancels as a user (worker = null in the audit row).
        app.Route("POST", "/api/hpc/jobs/{id}/cancel", RouteAccess.Editor, async context =>
        {
            var id = JavaUuid.RequirePathId(context.RouteValue("id"));
            var current = await jobs.GetAsync(id);
            if (!HpcCall.Of(context).Principal.MayActOnJobOf(current.Job.SubmitUser))
                throw HpcProblemException.Forbidden("Only the job submitter or a manager can cancel this job");
            var request = new TransitionRequest { Target = JobStatus.Cancelled, Detail = "Cancelled via API" };
            var job = await transitions.ApplyAsync(id, request, j => $"Cannot cancel job {id} in status {j.Status}");
            await JsonResponses.OkAsync(context, JobJson.Build(job));
        });
    }
}
