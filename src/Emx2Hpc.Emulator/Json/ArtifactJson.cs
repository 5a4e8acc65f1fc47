using System.Globalization;
using System.Text.Json.Nodes;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Json;

/// <summary>Artifact and file representations. size_bytes is a JSON string here (and in file lists) but a number
/// in upload responses: the contract tests check both, so the quirk is kept.</summary>
internal static class ArtifactJson
{
    public static JsonObject Build(ArtifactRecord a)
    {
        var o = new JsonObject
        {
            ["id"] = a.Id,
            ["name"] = a.Name,
            ["type"] = a.Type,
            ["residence"] = a.Residence,
            ["status"] = a.Status,
            ["sha256"] = a.Sha256,
            ["size_bytes"] = SizeText(a.SizeBytes),
            ["content_url"] = a.ContentUrl,
            ["created_at"] = a.CreatedAt,
            ["committed_at"] = a.CommittedAt,
        };
        if (a.MetadataJson is not null) o["metadata"] = JsonNode.Parse(a.MetadataJson);
        o["_links"] = Links.ForArtifact(a.Id, a.Status);
        return o;
    }

    public static JsonObject Created(ArtifactRecord a) => new()
    {
        ["id"] = a.Id,
        ["name"] = a.Name,
        ["type"] = a.Type,
        ["status"] = a.Status,
        ["_links"] = Links.ForArtifact(a.Id, a.Status),
    };

    /// <summary>An item of GET /artifacts/{id}/files; the content link carries the path unencoded, as the server does.</summary>
    public static JsonObject FileItem(FileRecord f) => new()
    {
        ["id"] = f.Id,
        ["path"] = f.Path,
        ["sha256"] = f.Sha256,
        ["size_bytes"] = SizeText(f.SizeBytes),
        ["content_type"] = f.ContentType,
        ["_links"] = new JsonObject
        {
            ["content"] = Links.Link($"/api/hpc/artifacts/{f.ArtifactId}/files/{f.Path}", "GET"),
        },
    };

    public static JsonObject Uploaded(FileRecord f) => new()
    {
        ["id"] = f.Id,
        ["artifact_id"] = f.ArtifactId,
        ["path"] = f.Path,
        ["sha256"] = f.Sha256,
        ["size_bytes"] = f.SizeBytes,
    };

    private static string? SizeText(long? size) => size?.ToString(CultureInfo.InvariantCulture);
}
