using System.Text.Json;
using System.Text.Json.Serialization;
using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Staging;

/// <summary>What the last verification of a posix input saw: per file its size, modification time and hash. Kept
/// under the job root so re-staging after a crash re-hashes only files that changed (the reference daemon
/// re-hashed terabytes on every attempt). A missing or unreadable stamp only costs a full re-hash.</summary>
internal sealed record VerificationStamp
{
    [JsonPropertyName("artifact_id")] public string ArtifactId { get; init; } = "";
    /// <summary>The resolved real path that was hashed; a stamp for another path is ignored.</summary>
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("files")] public IReadOnlyList<StampedFile> Files { get; init; } = [];

    public static string FileFor(string jobRoot, string artifactId) =>
        System.IO.Path.Combine(jobRoot, ".staging", artifactId + ".verified.json");

    public static VerificationStamp? Load(string file)
    {
        try
        {
            if (FileKindProbe.Of(file) != FileKind.Regular) return null;
            return JsonSerializer.Deserialize<VerificationStamp>(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // a cache: anything unreadable just means "hash again"
        }
    }

    /// <summary>Writes atomically (temp file + rename) so a crash never leaves a half-written stamp.</summary>
    public void Save(string file)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        var temp = file + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(this));
        File.Move(temp, file, overwrite: true);
    }
}

/// <summary>One hashed file of a posix input; Path is relative with '/' ("" when the input is a single file).</summary>
internal sealed record StampedFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("mtime_ticks")] long MtimeTicks,
    [property: JsonPropertyName("sha256")] string Sha256);
