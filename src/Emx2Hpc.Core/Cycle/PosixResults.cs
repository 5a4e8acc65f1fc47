using System.Text.Json;
using System.Text.Json.Serialization;
using Emx2Hpc.Core.State;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Posix-residence results as placed under the durable root: the directory EMX2 is given as content_url, and
/// the files (relative paths, sizes and hashes exactly as registered) of each role.</summary>
public sealed record PosixPlacement(string Directory, IReadOnlyList<OutputFile> Logs, IReadOnlyList<OutputFile> Outputs)
{
    /// <summary>The manifest recorded with the Moved state: what EMX2 is told, kept so a restart registers the same.</summary>
    internal string ToJson() => JsonSerializer.Serialize(
        Logs.Select(f => Entry.Of(ArtifactRole.Log, f)).Concat(Outputs.Select(f => Entry.Of(ArtifactRole.Output, f))).ToList(),
        LocalJsonContext.Default.ListEntry);

    internal static PosixPlacement FromJson(string directory, string json)
    {
        var entries = JsonSerializer.Deserialize(json, LocalJsonContext.Default.ListEntry) ?? [];
        OutputFile File(Entry e) => new(e.Path, Path.Join(directory, e.Path), e.Size, e.Sha256, e.ContentType);
        return new PosixPlacement(directory,
            entries.Where(e => e.Role == "log").Select(File).ToList(),
            entries.Where(e => e.Role == "output").Select(File).ToList());
    }

    internal sealed record Entry(
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("size")] long Size,
        [property: JsonPropertyName("sha256")] string Sha256,
        [property: JsonPropertyName("content_type")] string ContentType)
    {
        public static Entry Of(ArtifactRole role, OutputFile f) =>
            new(role == ArtifactRole.Log ? "log" : "output", f.RelativePath, f.Size, f.Sha256, f.ContentType);
    }
}
