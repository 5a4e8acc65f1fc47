using System.Text.Json;
using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Staging;

/// <summary>Reads a job's <c>inputs</c> field. EMX2 users have written it in four shapes over time, all accepted:
/// <c>["id",…]</c>, <c>[{"artifact_id":"id","name":"ds"},…]</c>, <c>[{"ds":"id"},…]</c> and a single mapping
/// <c>{"ds":"id","ref":"id"}</c>, each optionally wrapped in a JSON string. Unlike the reference daemon, names
/// are kept (scripts need to tell "dataset" from "reference") and every id must be a UUID, so a stray string
/// value is an error rather than a download attempt.
/// EMX2 enriches inputs when it returns a job (SERVER-SPEC §6.4): a string id comes back as
/// <c>{"id","name","type","status"}</c> and a canonical object gains the artifact's own <c>name</c> when it had
/// none. Such names are free text chosen for the artifact, not roles chosen for the job, so they only become
/// an <c>input/&lt;name&gt;</c> alias when safe and unambiguous; role names given as mapping keys stay strict.</summary>
public static partial class InputReferences
{
    private const string CanonicalIdKey = "artifact_id";
    private const string CanonicalNameKey = "name";
    private const string EnrichedIdKey = "id";

    /// <summary>A parsed reference; a soft name (from an object's "name" field) is dropped instead of failing the
    /// job when it is unsafe, collides or shadows another input.</summary>
    private sealed record Found(InputReference Reference, bool SoftName);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeNamePattern();

    /// <summary>Ordered (first appearance), de-duplicated references. An id listed both with and without a name
    /// appears once per distinct name; a name may not point at two artifacts or shadow another input's id.</summary>
    /// <exception cref="StagingException">Malformed inputs, an invalid id or an unsafe name.</exception>
    public static IReadOnlyList<InputReference> Parse(JsonElement? inputs)
    {
        if (inputs is not { } element) return [];
        var found = new List<Found>();
        if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString();
            if (string.IsNullOrWhiteSpace(text)) return [];
            CollectTopLevel(ParseEmbedded(text), found);
        }
        else
        {
            CollectTopLevel(element, found);
        }
        return Normalize(found);
    }

    /// <summary>True when <paramref name="name"/> can be used as <c>input/&lt;name&gt;</c>.</summary>
    public static bool IsSafeName(string? name) =>
        name is not null && name != "." && name != ".." && SafeNamePattern().IsMatch(name);

    private static JsonElement ParseEmbedded(string text)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new StagingException($"inputs: the string is not valid JSON ({e.Message})", e);
        }
        if (root.ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null) return root;
        throw new StagingException($"inputs: a JSON string must hold a list or an object, not {Describe(root.ValueKind)}");
    }

    private static void CollectTopLevel(JsonElement element, List<Found> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) CollectListItem(item, $"inputs[{index++}]", found);
                return;
            case JsonValueKind.Object when element.TryGetProperty(CanonicalIdKey, out _):
                found.Add(Canonical(element, "inputs", CanonicalIdKey));
                return;
            case JsonValueKind.Object:
                CollectNamed(element, "inputs", found);
                return;
            default:
                throw new StagingException($"inputs: expected a list or an object, not {Describe(element.ValueKind)}");
        }
    }

    private static void CollectListItem(JsonElement item, string label, List<Found> found)
    {
        switch (item.ValueKind)
        {
            case JsonValueKind.String:
                var id = item.GetString()!.Trim();
                if (id.Length > 0) found.Add(new Found(new InputReference(ValidId(id, label), null), false)); // blanks dropped, as before
                return;
            case JsonValueKind.Object when item.TryGetProperty(CanonicalIdKey, out _):
                found.Add(Canonical(item, label, CanonicalIdKey));
                return;
            case JsonValueKind.Object when IsEnrichedId(item):
                found.Add(Canonical(item, label, EnrichedIdKey));
                return;
            case JsonValueKind.Object:
                CollectNamed(item, label, found);
                return;
            default:
                throw new StagingException($"{label}: expected an artifact id or an object, not {Describe(item.ValueKind)}");
        }
    }

    // A string id as EMX2 returns it: {"id": "...", "name": ..., "type": ..., "status": ...}.
    private static bool IsEnrichedId(JsonElement item) =>
        item.TryGetProperty(EnrichedIdKey, out var id) && id.ValueKind == JsonValueKind.String &&
        item.EnumerateObject().All(p => p.Name is EnrichedIdKey or CanonicalNameKey or "type" or "status");

    // {"artifact_id": "...", "name": "..."}: only these two keys carry meaning; other keys are descriptive.
    private static Found Canonical(JsonElement item, string label, string idKey)
    {
        var idElement = item.GetProperty(idKey);
        var idLabel = $"{label}.{idKey}";
        if (idElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(idElement.GetString()))
            throw new StagingException($"{idLabel}: expected an artifact id");
        var id = ValidId(idElement.GetString()!.Trim(), idLabel);

        string? name = null;
        if (item.TryGetProperty(CanonicalNameKey, out var nameElement) && nameElement.ValueKind != JsonValueKind.Null)
        {
            if (nameElement.ValueKind != JsonValueKind.String)
                throw new StagingException($"{label}.{CanonicalNameKey}: expected a string, not {Describe(nameElement.ValueKind)}");
            var text = nameElement.GetString()!.Trim();
            if (text.Length > 0 && IsSafeName(text)) name = text;
        }
        return new Found(new InputReference(id, name), SoftName: true);
    }

    // {"dataset": "id-1", "reference": "id-2"}: each key is a role name.
    private static void CollectNamed(JsonElement mapping, string label, List<Found> found)
    {
        foreach (var property in mapping.EnumerateObject())
        {
            var entryLabel = $"{label}.{PathSafety.Describe(property.Name, 60)}";
            if (property.Value.ValueKind != JsonValueKind.String)
                throw new StagingException($"{entryLabel}: expected an artifact id, not {Describe(property.Value.ValueKind)}");
            var id = property.Value.GetString()!.Trim();
            if (id.Length == 0) continue;
            found.Add(new Found(new InputReference(ValidId(id, entryLabel), ValidName(property.Name, entryLabel)), false));
        }
    }

    private static string ValidId(string id, string label) =>
        Guid.TryParseExact(id, "D", out _)
            ? id.ToLowerInvariant()
            : throw new StagingException($"{label}: '{PathSafety.Describe(id, 80)}' is not a valid artifact id");

    private static string ValidName(string name, string label) =>
        IsSafeName(name)
            ? name
            : throw new StagingException(
                $"{label}: input name '{PathSafety.Describe(name, 80)}' is not a safe file name " +
                "(1-100 of A-Z a-z 0-9 . _ -, not '.' or '..')");

    private static IReadOnlyList<InputReference> Normalize(List<Found> all)
    {
        // Soft names that would collide with another artifact's name or id are dropped; strict ones are judged below.
        var owners = all.Where(f => f.Reference.Name is not null)
            .GroupBy(f => f.Reference.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(f => f.Reference.ArtifactId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var ids = all.Select(f => f.Reference.ArtifactId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = all.Select(f => f.SoftName && f.Reference.Name is { } n &&
                                    (owners[n].Count > 1 || (ids.Contains(n) && !string.Equals(n, f.Reference.ArtifactId, StringComparison.OrdinalIgnoreCase)))
            ? f.Reference with { Name = null }
            : f.Reference).ToList();

        // Group by id in first-appearance order; a nameless mention adds nothing when the id is also named.
        var order = new List<string>();
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var reference in found)
        {
            if (!names.TryGetValue(reference.ArtifactId, out var list))
            {
                names[reference.ArtifactId] = list = [];
                order.Add(reference.ArtifactId);
            }
            if (reference.Name is not null && !list.Contains(reference.Name, StringComparer.Ordinal)) list.Add(reference.Name);
        }

        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<InputReference>();
        foreach (var id in order)
        {
            if (names[id].Count == 0) result.Add(new InputReference(id, null));
            foreach (var name in names[id])
            {
                if (owner.TryGetValue(name, out var other))
                    throw new StagingException($"inputs: name '{name}' refers to both {other} and {id}");
                if (!string.Equals(name, id, StringComparison.OrdinalIgnoreCase) &&
                    order.Contains(name, StringComparer.OrdinalIgnoreCase))
                    throw new StagingException($"inputs: name '{name}' would hide the input directory of artifact {name}");
                owner[name] = id;
                result.Add(new InputReference(id, name));
            }
        }
        return result;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        _ => kind.ToString(),
    };
}
