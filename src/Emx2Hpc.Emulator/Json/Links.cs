using System.Text.Json.Nodes;
using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Emulator.Json;

/// <summary>HATEOAS links. Which relations appear per status comes from Core's LinkRelations; the hrefs are the
/// server's (SERVER-SPEC §6.4/§6.5), including the literal "{path}" templates of artifact links.</summary>
internal static class Links
{
    public static JsonObject Link(string href, string method) => new() { ["href"] = href, ["method"] = method };

    public static JsonObject ForJob(string id, string status)
    {
        var self = $"{ProtocolConstants.BasePath}/jobs/{id}";
        var links = new JsonObject();
        foreach (var relation in LinkRelations.ForJob(status))
        {
            links[relation] = relation switch
            {
                "self" => Link(self, "GET"),
                "claim" => Link($"{self}/claim", "POST"),
                "cancel" => Link($"{self}/cancel", "POST"),
                "transitions" => Link($"{self}/transitions", "GET"),
                _ => Link($"{self}/transition", "POST"), // submit, start, complete, fail
            };
        }
        return links;
    }

    public static JsonObject ForArtifact(string id, string status)
    {
        var self = $"{ProtocolConstants.BasePath}/artifacts/{id}";
        var links = new JsonObject();
        foreach (var relation in LinkRelations.ForArtifact(status))
        {
            links[relation] = relation switch
            {
                "self" => Link(self, "GET"),
                "upload" => Link($"{self}/files/{{path}}", "PUT"),
                "commit" => Link($"{self}/commit", "POST"),
                "download" => Link($"{self}/files/{{path}}", "GET"),
                _ => Link($"{self}/files", "GET"), // files
            };
        }
        return links;
    }

    public static JsonObject Self(string href) => new() { ["self"] = Link(href, "GET") };
}
