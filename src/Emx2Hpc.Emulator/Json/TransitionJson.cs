using System.Text.Json.Nodes;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Json;

internal static class TransitionJson
{
    public static JsonObject Build(TransitionRecord t) => new()
    {
        ["id"] = t.Id,
        ["job_id"] = t.JobId,
        ["from_status"] = t.FromStatus,
        ["to_status"] = t.ToStatus,
        ["timestamp"] = t.Timestamp,
        ["worker_id"] = t.WorkerId,
        ["detail"] = t.Detail,
        ["phase"] = t.Phase,
        ["message"] = t.Message,
        ["progress"] = t.Progress,
    };

    public static JsonObject List(IReadOnlyList<TransitionRecord> rows) => new()
    {
        ["items"] = new JsonArray(rows.Select(r => (JsonNode)Build(r)).ToArray()),
        ["count"] = rows.Count,
    };
}
