using System.Text.Json;
using Emx2Hpc.Core.Staging;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Staging;

public class InputReferencesTests
{
    private const string A = "0b6f6a52-1c1e-4a53-9d58-5f1f0d7a3c11";
    private const string B = "7d2c1e44-8a3b-4f0e-b1d2-3c4d5e6f7a82";
    private const string C = "c3a9e1f0-2b4d-4e6f-8a0b-1c2d3e4f5a63";

    private static IReadOnlyList<InputReference> Parse(string json) => InputReferences.Parse(JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void List_of_id_strings()
    {
        Assert.Equal([new InputReference(A, null), new InputReference(B, null)], Parse($"[\"{A}\", \" {B} \"]"));
    }

    [Fact]
    public void List_of_canonical_objects_keeps_name_and_ignores_other_keys()
    {
        var refs = Parse($"[{{\"artifact_id\":\"{A}\",\"name\":\"dataset\",\"comment\":\"x\"}},{{\"artifact_id\":\"{B}\"}}]");
        Assert.Equal([new InputReference(A, "dataset"), new InputReference(B, null)], refs);
    }

    [Fact]
    public void List_of_named_reference_objects()
    {
        var refs = Parse($"[{{\"dataset\":\"{A}\"}},{{\"reference\":\"{B}\",\"extra\":\"{C}\"}}]");
        Assert.Equal([new InputReference(A, "dataset"), new InputReference(B, "reference"), new InputReference(C, "extra")], refs);
    }

    [Fact]
    public void Single_top_level_mapping()
    {
        Assert.Equal([new InputReference(A, "dataset"), new InputReference(B, "reference")],
            Parse($"{{\"dataset\":\"{A}\",\"reference\":\"{B}\"}}"));
    }

    [Fact]
    public void Inputs_given_as_a_json_string_of_each_shape()
    {
        Assert.Equal([new InputReference(A, null)], InputReferences.Parse(JsonSerializer.SerializeToElement($"[\"{A}\"]")));
        Assert.Equal([new InputReference(A, "ds")],
            InputReferences.Parse(JsonSerializer.SerializeToElement($"[{{\"artifact_id\":\"{A}\",\"name\":\"ds\"}}]")));
        Assert.Equal([new InputReference(B, "ref")], InputReferences.Parse(JsonSerializer.SerializeToElement($"{{\"ref\":\"{B}\"}}")));
        Assert.Empty(InputReferences.Parse(JsonSerializer.SerializeToElement("  ")));
    }

    [Fact]
    public void Absent_null_and_empty_give_nothing()
    {
        Assert.Empty(InputReferences.Parse(null));
        Assert.Empty(Parse("null"));
        Assert.Empty(Parse("[]"));
        Assert.Empty(Parse("{}"));
    }

    [Fact]
    public void Ids_are_lower_cased_and_duplicates_removed_in_first_appearance_order()
    {
        var refs = Parse($"[\"{B}\", \"{A.ToUpperInvariant()}\", \"{B}\", \"\", {{\"artifact_id\":\"{A}\"}}]");
        Assert.Equal([new InputReference(B, null), new InputReference(A, null)], refs);
    }

    [Fact]
    public void A_nameless_mention_is_absorbed_by_a_named_one_and_two_names_for_one_id_are_kept()
    {
        var refs = Parse($"[\"{A}\", {{\"artifact_id\":\"{A}\",\"name\":\"first\"}}, {{\"second\":\"{A}\"}}, {{\"first\":\"{A}\"}}]");
        Assert.Equal([new InputReference(A, "first"), new InputReference(A, "second")], refs);
    }

    [Fact]
    public void Invalid_id_names_its_position()
    {
        var e = Assert.Throws<StagingException>(() => Parse($"[\"{A}\", \"{B}\", \"x\"]"));
        Assert.Equal("inputs[2]: 'x' is not a valid artifact id", e.Message);

        e = Assert.Throws<StagingException>(() => Parse("{\"dataset\":\"not-a-uuid\"}"));
        Assert.Equal("inputs.dataset: 'not-a-uuid' is not a valid artifact id", e.Message);

        e = Assert.Throws<StagingException>(() => Parse($"[{{\"artifact_id\":\"{A}x\"}}]"));
        Assert.Equal($"inputs[0].artifact_id: '{A}x' is not a valid artifact id", e.Message);

        // Braced or compact GUID spellings are not how EMX2 writes ids.
        Assert.Throws<StagingException>(() => Parse($"[\"{A.Replace("-", "")}\"]"));
    }

    [Theory]
    [InlineData("[42]", "inputs[0]: expected an artifact id or an object, not a number")]
    [InlineData("[[\"x\"]]", "inputs[0]: expected an artifact id or an object, not a list")]
    [InlineData("true", "inputs: expected a list or an object, not a boolean")]
    [InlineData("{\"dataset\": 5}", "inputs.dataset: expected an artifact id, not a number")]
    [InlineData("[{\"artifact_id\": 5}]", "inputs[0].artifact_id: expected an artifact id")]
    public void Malformed_shapes_are_rejected(string json, string message)
    {
        Assert.Equal(message, Assert.Throws<StagingException>(() => Parse(json)).Message);
    }

    [Fact]
    public void Unparsable_json_string_is_rejected()
    {
        var e = Assert.Throws<StagingException>(() => InputReferences.Parse(JsonSerializer.SerializeToElement("[not json")));
        Assert.StartsWith("inputs: the string is not valid JSON", e.Message);
        e = Assert.Throws<StagingException>(() => InputReferences.Parse(JsonSerializer.SerializeToElement("\"x\"")));
        Assert.Equal("inputs: a JSON string must hold a list or an object, not a string", e.Message);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("has space")]
    public void Unsafe_role_names_are_refused_and_unsafe_artifact_names_give_no_alias(string name)
    {
        // A mapping key is a role the job chose: refuse. An object's "name" may be the artifact's own name that
        // EMX2 filled in: keep the input, skip the alias.
        var e = Assert.Throws<StagingException>(() => Parse(JsonSerializer.Serialize(new Dictionary<string, string> { [name] = A })));
        Assert.Contains("is not a safe file name", e.Message);
        Assert.Equal([new InputReference(A, null)], Parse(JsonSerializer.Serialize(new[] { new Dictionary<string, string> { ["artifact_id"] = A, ["name"] = name } })));
    }

    [Fact]
    public void Inputs_as_enriched_by_EMX2_are_read_as_ids()
    {
        // GET /jobs/{id} turns ["<id>"] into [{"id","name","type","status"}] (SERVER-SPEC §6.4).
        var refs = Parse($"[{{\"id\":\"{A}\",\"name\":\"demo input.txt\",\"type\":\"blob\",\"status\":\"COMMITTED\"}}," +
                         $"{{\"id\":\"{B}\",\"name\":\"reads\",\"type\":null,\"status\":\"COMMITTED\"}}]");
        Assert.Equal([new InputReference(A, null), new InputReference(B, "reads")], refs);
    }

    [Fact]
    public void Artifact_names_shared_by_two_inputs_give_no_alias_instead_of_failing()
    {
        var refs = Parse($"[{{\"artifact_id\":\"{A}\",\"name\":\"data\"}},{{\"artifact_id\":\"{B}\",\"name\":\"data\"}}]");
        Assert.Equal([new InputReference(A, null), new InputReference(B, null)], refs);
    }

    [Fact]
    public void A_101_character_name_is_refused_and_100_accepted()
    {
        Assert.Equal(new string('n', 100), Parse($"{{\"{new string('n', 100)}\":\"{A}\"}}")[0].Name);
        Assert.Throws<StagingException>(() => Parse($"{{\"{new string('n', 101)}\":\"{A}\"}}"));
    }

    [Fact]
    public void One_name_for_two_artifacts_is_refused()
    {
        var e = Assert.Throws<StagingException>(() => Parse($"[{{\"ds\":\"{A}\"}},{{\"ds\":\"{B}\"}}]"));
        Assert.Equal($"inputs: name 'ds' refers to both {A} and {B}", e.Message);
    }

    [Fact]
    public void A_name_that_is_another_inputs_id_is_refused()
    {
        var e = Assert.Throws<StagingException>(() => Parse($"{{\"{B}\":\"{A}\",\"other\":\"{B}\"}}"));
        Assert.Equal($"inputs: name '{B}' would hide the input directory of artifact {B}", e.Message);
    }

    [Fact]
    public void A_top_level_canonical_object_is_one_reference()
    {
        Assert.Equal([new InputReference(A, "genome")], Parse($"{{\"artifact_id\":\"{A}\",\"name\":\"genome\"}}"));
    }
}
