namespace Emx2Hpc.Core.Staging;

/// <summary>One input of a job: a committed artifact, optionally under a role name ("dataset", "reference").
/// The id is lower-case canonical UUID text; the name, when present, is a safe single path segment and is
/// exposed to the workload as <c>input/&lt;name&gt;</c>.</summary>
public sealed record InputReference(string ArtifactId, string? Name);
