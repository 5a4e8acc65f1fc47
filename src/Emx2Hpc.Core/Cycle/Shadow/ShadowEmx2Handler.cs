using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Core.Cycle.Shadow;

/// <summary>The EMX2 port of a shadow cycle, as a decorator on the client's transport: GET and HEAD reach EMX2; every
/// other request (claim, transition, complete, register, heartbeat, artifact create/upload/commit, delete) is
/// recorded in the <see cref="ShadowPlan"/> and answered here with what EMX2 would answer on success, so the cycle
/// carries on exactly as it would have. Holding back at the transport means no code path of the client can mutate
/// EMX2 in shadow mode, whichever step sends it. Jobs are answered from the copies EMX2 returned to earlier GETs.</summary>
public sealed class ShadowEmx2Handler(ShadowPlan plan, TimeProvider clock) : DelegatingHandler
{
    private const string ApiPrefix = "/api/hpc/";
    private readonly ConcurrentDictionary<string, JsonObject> _jobs = new(StringComparer.Ordinal);
    private int _artifacts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        {
            var response = await base.SendAsync(request, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && request.Method == HttpMethod.Get && Route(request).FirstOrDefault() == "jobs")
                await RememberJobsAsync(response, ct).ConfigureAwait(false);
            return response;
        }
        return await HoldBackAsync(request, ct).ConfigureAwait(false);
    }

    private static string[] Route(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        var at = path.IndexOf(ApiPrefix, StringComparison.Ordinal);
        return at < 0 ? [] : path[(at + ApiPrefix.Length)..].Split('/').Select(Uri.UnescapeDataString).ToArray();
    }

    /// <summary>Keeps the jobs of list pages and single GETs so a held-back claim or transition can answer with the job.</summary>
    private async Task RememberJobsAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        // The client reads the body after us: give it back an identical one.
        var replaced = new ByteArrayContent(bytes);
        foreach (var header in response.Content.Headers) replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = replaced;
        try
        {
            if (JsonNode.Parse(bytes) is not JsonObject body) return;
            var items = body["items"] is JsonArray list ? list.OfType<JsonObject>() : [body];
            foreach (var job in items)
                if (job["id"]?.GetValue<string>() is { } id && job["status"] is not null) _jobs[id] = (JsonObject)job.DeepClone();
        }
        catch (JsonException)
        {
            // Not ours to judge: the client reports an unreadable body itself.
        }
    }

    private async Task<HttpResponseMessage> HoldBackAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var route = Route(request);
        var body = await ReadJsonAsync(request, ct).ConfigureAwait(false);
        var method = request.Method.Method;
        switch (route)
        {
            case ["workers", "register"]:
                plan.Add(PlannedActionKind.Register, null, $"register worker {Text(body, "worker_id")} with {(body?["capabilities"] as JsonArray)?.Count ?? 0} capabilities");
                return Json(new JsonObject { ["worker_id"] = Text(body, "worker_id"), ["hostname"] = Text(body, "hostname"), ["registered_at"] = Now(), ["last_heartbeat_at"] = Now() });
            case ["workers", var worker, "heartbeat"]:
                plan.Add(PlannedActionKind.Heartbeat, null, $"send a heartbeat for worker {worker}");
                return Json(new JsonObject { ["worker_id"] = worker, ["status"] = "ok" });
            case ["jobs", var id, "claim"]:
                plan.Add(PlannedActionKind.Claim, id, $"claim job {id}{Describe(id)}");
                return JobAnswer(id, j => { j["status"] = JobStatus.Claimed; j["worker_id"] = Text(body, "worker_id"); j["claimed_at"] = Now(); });
            case ["jobs", var id, "transition" or "complete" or "cancel"]:
                var action = route[2];
                var status = action == "cancel" ? JobStatus.Cancelled : Text(body, "status") ?? "";
                var detail = Text(body, "detail");
                plan.Add(action switch { "complete" => PlannedActionKind.Complete, "cancel" => PlannedActionKind.Cancel, _ => PlannedActionKind.Report }, id,
                    $"{(action == "complete" ? "complete" : action == "cancel" ? "cancel" : "report")} job {id} as {status}{(detail is null ? "" : $" ({detail})")}");
                return JobAnswer(id, j =>
                {
                    j["status"] = status;
                    foreach (var field in new[] { "slurm_job_id", "output_artifact_id", "log_artifact_id", "phase", "message", "progress" })
                        if (body?[field] is { } value) j[field] = value.DeepClone();
                });
            case ["artifacts"] when method == "POST":
                var artifactId = $"shadow-artifact-{Interlocked.Increment(ref _artifacts)}";
                plan.Add(PlannedActionKind.CreateArtifact, JobOf(body), $"create {Text(body, "residence")} {Text(body, "type")} artifact {Text(body, "name")}");
                return Json(new JsonObject { ["id"] = artifactId, ["name"] = Text(body, "name"), ["type"] = Text(body, "type"), ["status"] = ArtifactStatus.Created }, HttpStatusCode.Created);
            case ["artifacts", var artifact, "files", ..] when method == "PUT":
                var path = string.Join('/', route[3..]);
                var (sha, size) = FileFacts(request, body);
                plan.Add(PlannedActionKind.Upload, null, $"{(body is null ? "upload" : "register")} {path} ({size} bytes) in artifact {artifact}");
                return Json(new JsonObject { ["id"] = $"{artifact}/{path}", ["artifact_id"] = artifact, ["path"] = path, ["sha256"] = sha, ["size_bytes"] = size }, HttpStatusCode.Created);
            case ["artifacts", var artifact, "commit"]:
                plan.Add(PlannedActionKind.Commit, null, $"commit artifact {artifact} ({body?["size_bytes"]} bytes, sha256 {Text(body, "sha256")})");
                return Json(new JsonObject { ["id"] = artifact, ["status"] = ArtifactStatus.Committed, ["sha256"] = Text(body, "sha256"), ["size_bytes"] = body?["size_bytes"]?.DeepClone() });
            default:
                plan.Add(method == "DELETE" ? PlannedActionKind.Delete : PlannedActionKind.Other, null, $"{method} {request.RequestUri!.AbsolutePath}");
                return method == "DELETE" ? new HttpResponseMessage(HttpStatusCode.NoContent) : Json(new JsonObject());
        }
    }

    private string Describe(string jobId) =>
        _jobs.TryGetValue(jobId, out var job) ? $" ({job["processor"]?.GetValue<string>()}:{job["profile"]?.GetValue<string>() ?? "default"})" : "";

    private HttpResponseMessage JobAnswer(string jobId, Action<JsonObject> change)
    {
        if (!_jobs.TryGetValue(jobId, out var known))
            return Json(new JsonObject { ["title"] = "Conflict", ["status"] = 409, ["detail"] = $"shadow mode has not seen job {jobId} in EMX2" }, HttpStatusCode.Conflict);
        var job = (JsonObject)known.DeepClone();
        change(job);
        _jobs[jobId] = (JsonObject)job.DeepClone();
        return Json(job);
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Content is not { } content || content.Headers.ContentType?.MediaType != ProtocolConstants.JsonContentType) return null;
        try { return JsonNode.Parse(await content.ReadAsStringAsync(ct).ConfigureAwait(false)); }
        catch (JsonException) { return null; }
    }

    /// <summary>Hash and size of an uploaded file from the headers the client signs (bytes are never read), or from
    /// the metadata body of a posix registration.</summary>
    private static (string? Sha256, long? Size) FileFacts(HttpRequestMessage request, JsonNode? body)
    {
        if (body is not null) return (Text(body, "sha256"), body["size_bytes"]?.GetValue<long>());
        var sha = request.Headers.TryGetValues(ProtocolHeaders.ContentSha256, out var values) ? values.FirstOrDefault() : null;
        var size = request.Content is MultipartFormDataContent parts
            ? parts.FirstOrDefault(p => p.Headers.ContentDisposition?.Name?.Trim('"') == "file")?.Headers.ContentLength
            : request.Content?.Headers.ContentLength;
        return (sha, size);
    }

    private static string? JobOf(JsonNode? body) => body?["metadata"]?["job_id"]?.GetValue<string>();

    private static string? Text(JsonNode? node, string field) => node?[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>EMX2 writes naive local timestamps; the client's server clock learns the zone from the Date header.</summary>
    private string Now() => clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture);

    private HttpResponseMessage Json(JsonNode body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue(ProtocolConstants.JsonContentType)),
        };
        response.Headers.Date = clock.GetUtcNow();
        return response;
    }
}
