using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Json;

/// <summary>The job representation in the server's key order, with nulls present (SERVER-SPEC §6.4).</summary>
internal static class JobJson
{
    public static JsonObject Build(JobSnapshot snapshot)
    {
        var job = snapshot.Job;
        var o = new JsonObject
        {
            ["id"] = job.Id,
            ["processor"] = job.Processor,
            ["profile"] = job.Profile,
            ["status"] = job.Status,
            ["worker_id"] = job.WorkerId,
            ["slurm_job_id"] = job.SlurmJobId,
            ["submit_user"] = job.SubmitUser,
        };
        if (job.ParametersJson is not null) o["parameters"] = JsonNode.Parse(job.ParametersJson);
        if (job.InputsJson is not null) o["inputs"] = EnrichInputs(job.InputsJson, snapshot.Artifacts);
        if (job.OutputArtifactId is not null) o["output_artifact"] = ArtifactRef(job.OutputArtifactId, snapshot.Artifacts);
        o["output_artifact_id"] = job.OutputArtifactId;
        if (job.LogArtifactId is not null) o["log_artifact"] = ArtifactRef(job.LogArtifactId, snapshot.Artifacts);
        o["log_artifact_id"] = job.LogArtifactId;
        o["timeout_seconds"] = job.TimeoutSeconds;
        o["created_at"] = job.CreatedAt;
        o["claimed_at"] = job.ClaimedAt;
        o["submitted_at"] = job.SubmittedAt;
        o["started_at"] = job.StartedAt;
        o["completed_at"] = job.CompletedAt;
        o["phase"] = job.Phase;
        o["message"] = job.Message;
        o["progress"] = job.Progress;
        o["_links"] = Links.ForJob(job.Id, job.Status);
        return o;
    }

    /// <summary>{id, name, type, status}, or just {id} when the artifact is gone.</summary>
    private static JsonObject ArtifactRef(string id, IReadOnlyDictionary<string, ArtifactRecord> artifacts)
    {
        if (!artifacts.TryGetValue(id, out var a)) return new JsonObject { ["id"] = id };
        return new JsonObject { ["id"] = a.Id, ["name"] = a.Name, ["type"] = a.Type, ["status"] = a.Status };
    }

    private static JsonNode? EnrichInputs(string inputsJson, IReadOnlyDictionary<string, ArtifactRecord> artifacts)
    {
        var node = JsonNode.Parse(inputsJson);
        if (node is not JsonArray array) return node; // non-array inputs come back unchanged
        var enriched = new JsonArray();
        foreach (var item in array)
        {
            switch (item)
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    enriched.Add((JsonNode)ArtifactRef(v.GetValue<string>(), artifacts));
                    break;
                case JsonObject obj when ReferencedId(obj) is { } id:
                    var copy = (JsonObject)obj.DeepClone();
                    AddIfAbsent(copy, "id", id);
                    AddIfAbsent(copy, "artifact_id", id);
                    if (artifacts.TryGetValue(id, out var a))
                    {
                        AddIfAbsent(copy, "name", a.Name);
                        AddIfAbsent(copy, "type", a.Type);
                        AddIfAbsent(copy, "status", a.Status);
                    }
                    enriched.Add((JsonNode)copy);
                    break;
                default:
                    enriched.Add(item?.DeepClone());
                    break;
            }
        }
        return enriched;
    }

    /// <summary>Same rule as <see cref="InputArtifactIds.ReferencedId"/>: "artifact_id" if a string, else "id".</summary>
    private static string? ReferencedId(JsonObject item)
    {
        foreach (var key in new[] { "artifact_id", "id" })
        {
            if (item[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        }
        return null;
    }

    private static void AddIfAbsent(JsonObject o, string key, string? value)
    {
        if (!o.ContainsKey(key)) o[key] = value;
    }
}
