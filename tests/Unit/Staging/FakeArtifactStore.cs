using System.Security.Cryptography;
using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Tests.Unit.Staging;

/// <summary>In-memory artifact API for staging tests; counts calls so tests can prove what was (not) fetched.</summary>
internal sealed class FakeArtifactStore : IArtifactStore
{
    public sealed record StoredFile(ArtifactFileDto Row, byte[] Content, string? Header);

    public Dictionary<string, ArtifactDto> Artifacts { get; } = new();
    public Dictionary<string, List<StoredFile>> Files { get; } = new();
    public List<string> Downloads { get; } = [];
    public int GetCalls { get; private set; }
    public int ListCalls { get; private set; }

    public static string Sha(string text) => Sha(Encoding.UTF8.GetBytes(text));
    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A committed managed artifact whose hashes are all correct; tests then corrupt what they need.</summary>
    public string AddManaged(params (string Path, string Content)[] files) => AddManaged(Guid.NewGuid().ToString(), files);

    public string AddManaged(string id, params (string Path, string Content)[] files)
    {
        var stored = files.Select(f =>
        {
            var bytes = Encoding.UTF8.GetBytes(f.Content);
            var sha = Sha(bytes);
            return new StoredFile(new ArtifactFileDto { Id = Guid.NewGuid().ToString(), Path = f.Path, Sha256 = sha, SizeBytes = bytes.Length }, bytes, sha);
        }).ToList();
        Files[id] = stored;
        Artifacts[id] = new ArtifactDto
        {
            Id = id, Residence = ArtifactResidence.Managed, Status = ArtifactStatus.Committed,
            Sha256 = TreeHash.Compute(stored.Select(s => (s.Row.Path, s.Row.Sha256!))),
            SizeBytes = stored.Sum(s => (long)s.Content.Length),
        };
        return id;
    }

    public string AddPosix(string contentUrl, string? sha256, string status = ArtifactStatus.Committed)
    {
        var id = Guid.NewGuid().ToString();
        Artifacts[id] = new ArtifactDto { Id = id, Residence = ArtifactResidence.Posix, Status = status, Sha256 = sha256, ContentUrl = contentUrl };
        Files[id] = [];
        return id;
    }

    public void Update(string id, Func<ArtifactDto, ArtifactDto> change) => Artifacts[id] = change(Artifacts[id]);

    public void UpdateFile(string id, string path, Func<StoredFile, StoredFile> change)
    {
        var list = Files[id];
        var index = list.FindIndex(f => f.Row.Path == path);
        list[index] = change(list[index]);
    }

    public Task<ArtifactDto> GetArtifactAsync(string artifactId, CancellationToken ct)
    {
        GetCalls++;
        return Artifacts.TryGetValue(artifactId, out var a)
            ? Task.FromResult(a)
            : throw new InvalidOperationException($"Artifact {artifactId} not found");
    }

    public Task<IReadOnlyList<ArtifactFileDto>> ListAllFilesAsync(string artifactId, CancellationToken ct)
    {
        ListCalls++;
        return Task.FromResult<IReadOnlyList<ArtifactFileDto>>(Files[artifactId].Select(f => f.Row).ToList());
    }

    public async Task<DownloadedFile> DownloadFileAsync(string artifactId, string path, Stream destination, CancellationToken ct)
    {
        Downloads.Add($"{artifactId}/{path}");
        var file = Files[artifactId].Single(f => f.Row.Path == path);
        // Two writes, like a chunked HTTP body.
        var half = file.Content.Length / 2;
        await destination.WriteAsync(file.Content.AsMemory(0, half), ct);
        await destination.WriteAsync(file.Content.AsMemory(half), ct);
        return new DownloadedFile(file.Header, file.Content.Length);
    }
}
