using System.Text.Json.Nodes;
using Emx2Hpc.Core.Audit;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Operations;

/// <summary>Audit data values become JSON without reflection (the published CLI is compiled ahead of time): the
/// shapes the cycle records, exactly as the reflection serializer wrote them, and a clear refusal of anything else.</summary>
public sealed class AuditValueTests
{
    [Fact]
    public void The_recorded_shapes_serialize_as_before()
    {
        var usage = new JsonObject { ["wall_seconds"] = 1.5 };
        var data = new Dictionary<string, object?>
        {
            ["text"] = "a\"<b>", ["count"] = 3, ["bytes"] = 5_000_000_000L, ["ratio"] = 0.25, ["final"] = true, ["none"] = null,
            ["usage"] = usage,
            ["inputs"] = new List<Dictionary<string, object?>> { new() { ["artifact_id"] = "a1", ["sha256"] = null } },
        };
        var node = AuditValue.ToNode(data)!;
        Assert.Equal(
            """{"text":"a\u0022\u003Cb\u003E","count":3,"bytes":5000000000,"ratio":0.25,"final":true,"none":null,"usage":{"wall_seconds":1.5},"inputs":[{"artifact_id":"a1","sha256":null}]}""",
            node.ToJsonString());
        Assert.Null(AuditValue.ToNode(null));
    }

    [Fact]
    public void A_node_already_in_a_tree_is_copied_not_moved()
    {
        var parent = new JsonObject { ["usage"] = new JsonObject { ["gpu_seconds"] = 0 } };
        var copy = AuditValue.ToNode(parent["usage"]);
        Assert.NotSame(parent["usage"], copy);
        Assert.Equal("""{"gpu_seconds":0}""", copy!.ToJsonString());
        Assert.NotNull(parent["usage"]);
    }

    [Fact]
    public void An_unsupported_value_is_refused_naming_its_type()
    {
        var refused = Assert.Throws<ArgumentException>(() => AuditValue.ToNode(new Uri("http://x/")));
        Assert.Contains("System.Uri", refused.Message);
    }
}
