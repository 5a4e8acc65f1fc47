using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Files of an artifact: store, list, read, delete (SERVER-SPEC §6.5).</summary>
internal sealed class FileService(HpcDatabase db)
{
    /// <summary>Stores a file row (and bytes, when given) after the body has been read and checked. The first file
    /// moves a managed artifact from CREATED to UPLOADING; REGISTERED stays REGISTERED.</summary>
    public Task<FileRecord> StoreAsync(string artifactId, string path, string? sha256, long sizeBytes, string? contentType, byte[]? content) =>
        db.RunAsync(s =>
        {
            var artifact = s.Artifacts.Find(artifactId) ?? throw ArtifactService.NotFound(artifactId);
            // The server surfaces this as a 500; it is a state conflict, so the emulator answers 409.
            if (!ArtifactStatus.AcceptsFiles(artifact.Status))
                throw HpcProblemException.Conflict($"Cannot add files to artifact in status {artifact.Status}");
            if (artifact.Status == ArtifactStatus.Created) s.Artifacts.Update(artifact with { Status = ArtifactStatus.Uploading });
            return s.Files.Upsert(artifactId, path, sha256, sizeBytes, contentType, content);
        });

    /// <summary>Does not check that the artifact exists: an unknown one simply has no files.</summary>
    public Task<(List<FileRecord> Items, int Total)> ListAsync(string artifactId, string? prefix, Paging paging) =>
        db.RunAsync(s => s.Files.List(artifactId, string.IsNullOrWhiteSpace(prefix) ? null : LikePattern.PrefixToGlob(prefix),
            paging.Limit, paging.Offset));

    public Task<FileDownload> DownloadAsync(string artifactId, string path) =>
        db.RunAsync(s =>
        {
            var file = s.Files.Find(artifactId, path);
            var content = file is { HasContent: true } ? s.Files.ReadContent(file.Id) : null;
            if (file is not null && content is not null) return FileDownload.Bytes(file, content);
            // Without stored bytes the file lives where the artifact says (posix, s3, http …).
            var url = s.Artifacts.Find(artifactId)?.ContentUrl;
            if (url is not null) return FileDownload.Redirect(url);
            return FileDownload.Missing(file is null
                ? $"File {path} not found in artifact {artifactId}"
                : $"File {path} has no content");
        });

    public Task<FileRecord?> FindAsync(string artifactId, string path) => db.RunAsync(s => s.Files.Find(artifactId, path));

    /// <summary>Deleting from a COMMITTED artifact is a 409; other statuses allow it, and the status is not rolled
    /// back when the last file goes.</summary>
    public Task DeleteAsync(string artifactId, string path) =>
        db.RunAsync(s =>
        {
            var artifact = s.Artifacts.Find(artifactId);
            var file = artifact is null ? null : s.Files.Find(artifactId, path);
            if (artifact is null || file is null) throw HpcProblemException.NotFound($"File {path} not found in artifact {artifactId}");
            if (artifact.Status == ArtifactStatus.Committed) throw HpcProblemException.Conflict("Cannot delete files from committed artifact");
            s.Files.Delete(file.Id);
        });
}

/// <summary>Outcome of a file GET: bytes, a redirect to the artifact's content_url, or a 404.</summary>
internal sealed record FileDownload(FileRecord? File, byte[]? Content, string? ContentUrl, string? MissingDetail)
{
    public static FileDownload Bytes(FileRecord file, byte[] content) => new(file, content, null, null);
    public static FileDownload Redirect(string contentUrl) => new(null, null, contentUrl, null);
    public static FileDownload Missing(string detail) => new(null, null, null, detail);
}
