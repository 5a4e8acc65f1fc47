using System.Text.Json.Nodes;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Json;

/// <summary>Worker and credential responses (SERVER-SPEC §6.2/§6.3). The self links point at routes the server
/// does not have; they are reproduced as they are.</summary>
internal static class WorkerJson
{
    public static JsonObject Registered(WorkerRecord w)
    {
        var self = $"/api/hpc/workers/{w.WorkerId}";
        return new JsonObject
        {
            ["worker_id"] = w.WorkerId,
            ["hostname"] = w.Hostname,
            ["registered_at"] = w.RegisteredAt,
            ["last_heartbeat_at"] = w.LastHeartbeatAt,
            ["_links"] = new JsonObject
            {
                ["self"] = Links.Link(self, "GET"),
                ["heartbeat"] = Links.Link($"{self}/heartbeat", "POST"),
                ["jobs"] = Links.Link("/api/hpc/jobs?status=PENDING", "GET"),
            },
        };
    }

    public static JsonObject Heartbeat(string workerId) => new() { ["worker_id"] = workerId, ["status"] = "ok" };

    /// <summary>Issue (201) and rotate (200) responses: the only place the secret is ever returned. Timestamps are
    /// strings here too, where the real server probably emits a Jackson LocalDateTime array (SERVER-SPEC §12).</summary>
    public static JsonObject Issued(CredentialRecord c, bool rotated)
    {
        var list = $"/api/hpc/workers/{c.WorkerId}/credentials";
        var links = new JsonObject();
        if (!rotated) links["self"] = Links.Link($"{list}/{c.Id}", "GET");
        links["list"] = Links.Link(list, "GET");
        if (!rotated) links["revoke"] = Links.Link($"{list}/{c.Id}/revoke", "POST");
        return new JsonObject
        {
            ["id"] = c.Id,
            ["worker_id"] = c.WorkerId,
            ["status"] = c.Status,
            ["label"] = c.Label,
            ["created_at"] = c.CreatedAt,
            ["expires_at"] = c.ExpiresAt,
            ["secret"] = c.Secret,
            ["_links"] = links,
        };
    }

    /// <summary>Credential metadata: never the secret.</summary>
    public static JsonObject Credential(CredentialRecord c) => new()
    {
        ["id"] = c.Id,
        ["worker_id"] = c.WorkerId,
        ["status"] = c.Status,
        ["label"] = c.Label,
        ["created_at"] = c.CreatedAt,
        ["created_by"] = c.CreatedBy,
        ["last_used_at"] = c.LastUsedAt,
        ["revoked_at"] = c.RevokedAt,
        ["expires_at"] = c.ExpiresAt,
    };

    public static JsonObject CredentialList(string workerId, IReadOnlyList<CredentialRecord> rows) => new()
    {
        ["items"] = new JsonArray(rows.Select(r => (JsonNode)Credential(r)).ToArray()),
        ["count"] = rows.Count,
        ["_links"] = Links.Self($"/api/hpc/workers/{workerId}/credentials"),
    };
}
