using System.Text.Json.Nodes;
using Emx2Hpc.Emulator.Domain;

namespace Emx2Hpc.Emulator.Json;

internal static class PagedJson
{
    /// <summary>{items, count, total_count, limit, offset[, _links]}; limit is echoed as asked (0 = all).</summary>
    public static JsonObject Build(IEnumerable<JsonNode> items, int totalCount, Paging paging, JsonObject? links = null)
    {
        var array = new JsonArray(items.ToArray());
        var o = new JsonObject
        {
            ["items"] = array,
            ["count"] = array.Count,
            ["total_count"] = totalCount,
            ["limit"] = paging.Limit,
            ["offset"] = paging.Offset,
        };
        if (links is not null) o["_links"] = links;
        return o;
    }
}
