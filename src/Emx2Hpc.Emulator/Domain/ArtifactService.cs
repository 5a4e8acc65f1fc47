using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Artifact creation, reads, deletion and commit (SERVER-SPEC §6.5/§8).</summary>
internal sealed class ArtifactService(HpcDatabase db, EmulatorClock clock)
{
    public Task<ArtifactRecord> CreateAsync(JsonElement body)
    {
        var residence = JsonFields.String(body, "residence") ?? ArtifactResidence.Managed;
        // Other residence values violate the server's ontology and surface as a 5xx there; 400 here.
        if (!ArtifactResidence.IsKnown(residence))
            throw HpcProblemException.BadRequest($"residence must be one of {string.Join(", ", ArtifactResidence.All)}");
        var contentUrl = JsonFields.String(body, "content_url");
        if (residence == ArtifactResidence.Posix) ContentUrlRules.ValidatePosix(contentUrl);
        var artifact = new ArtifactRecord
        {
            Id = Guid.NewGuid().ToString(),
            Name = JsonFields.String(body, "name"),
            Type = JsonFields.String(body, "type"),
            Residence = residence,
            Status = residence == ArtifactResidence.Managed ? ArtifactStatus.Created : ArtifactStatus.Registered,
            ContentUrl = contentUrl,
            MetadataJson = JsonFields.RawJson(body, "metadata"),
            CreatedAt = clock.Stamp(),
        };
        return db.RunAsync(s =>
        {
            s.Artifacts.Insert(artifact);
            return artifact;
        });
    }

    public Task<ArtifactRecord> GetAsync(string id) => db.RunAsync(s => s.Artifacts.Find(id) ?? throw NotFound(id));

    /// <summary>Any status may be deleted; jobs that produced it lose their reference.</summary>
    public Task DeleteAsync(string id) =>
        db.RunAsync(s =>
        {
            if (s.Artifacts.Find(id) is null) throw NotFound(id);
            s.Files.DeleteAllOf(id);
            s.Jobs.DetachArtifact(id);
            s.Artifacts.Delete(id);
        });

    /// <summary>Commit verifies the client's hash against the tree hash of the stored files; a mismatch leaves the
    /// artifact mutable so the client can fix files and commit again. The client's size is never verified.</summary>
    public Task<ArtifactRecord> CommitAsync(string id, string? clientSha256, long? clientSize) =>
        db.RunAsync(s =>
        {
            var artifact = s.Artifacts.Find(id) ?? throw NotFound(id);
            if (!ArtifactStatus.IsLegal(artifact.Status, ArtifactStatus.Committed))
                throw HpcProblemException.Conflict($"Artifact {id} cannot be committed from status {artifact.Status}");
            var files = s.Files.AllOf(id);
            var computed = ComputedHash(files);
            if (clientSha256 is not null && computed is not null && clientSha256 != computed)
                throw new HpcProblemException(409, $"client={clientSha256} computed={computed}", "Hash Mismatch");
            var committed = artifact with
            {
                Status = ArtifactStatus.Committed,
                Sha256 = clientSha256 ?? computed,
                SizeBytes = clientSize ?? files.Sum(f => f.SizeBytes ?? 0),
                CommittedAt = clock.Stamp(),
            };
            s.Artifacts.Update(committed);
            return committed;
        });

    /// <summary>Core's TreeHash, fed the way the server's string concatenation sees rows: a file without a hash
    /// contributes the text "null" (Java), and a single file's own hash is used as is (possibly null).</summary>
    private static string? ComputedHash(List<FileRecord> files) =>
        files.Count == 1 ? files[0].Sha256 : TreeHash.Compute(files.Select(f => (f.Path, f.Sha256 ?? "null")));

    public static HpcProblemException NotFound(string id) => HpcProblemException.NotFound($"Artifact {id} not found");
}
