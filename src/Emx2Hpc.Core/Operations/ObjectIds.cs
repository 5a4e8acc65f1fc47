namespace Emx2Hpc.Core.Operations;

/// <summary>What an id given to an operation should name.</summary>
public enum ObjectKind
{
    Job,
    Artifact,
}

/// <summary>The job or artifact an id names does not exist. Thrown before any request for ids that cannot exist:
/// EMX2's job and artifact ids are UUIDs, and it answers any other path id with 400 "id must be a valid UUID
/// format" (SERVER-SPEC, path-id validation). To the person who typed the id, the job simply does not exist, and a
/// script matching "not found" must not have to know about that validation order.</summary>
public sealed class ObjectNotFoundException(ObjectKind kind, string id, string reason)
    : Exception($"{kind} '{id}' not found: {reason}")
{
    public ObjectKind Kind { get; } = kind;
    public string Id { get; } = id;
}

/// <summary>Checks ids before they go into an EMX2 path.</summary>
public static class ObjectIds
{
    /// <summary>Returns <paramref name="id"/> when it can name an EMX2 object, else throws
    /// <see cref="ObjectNotFoundException"/>.</summary>
    public static string Require(ObjectKind kind, string id) =>
        Guid.TryParseExact(id, "D", out _)
            ? id
            : throw new ObjectNotFoundException(kind, id, $"EMX2 {kind.ToString().ToLowerInvariant()} ids are UUIDs (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
}
