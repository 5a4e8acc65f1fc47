using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Staging;

namespace Emx2Hpc.Core.Operations;

/// <summary>Receive-HpcArtifact: downloads a managed artifact into a directory with the same guarantees as input
/// staging — every server path validated and kept inside the destination, every file and the tree hash
/// verified, files already present with the right hash not fetched again.</summary>
internal static class ArtifactReceiver
{
    public static async Task<DownloadSummary> ReceiveAsync(Emx2Client client, HpcLog log, string artifactId, string destination,
        IProgress<TransferProgress>? progress, CancellationToken ct)
    {
        var full = Path.GetFullPath(destination);
        if (File.Exists(full) || FileKindProbe.Of(full) is FileKind.Symlink or FileKind.Special)
            throw new IOException($"destination {full} exists and is not a directory");
        var artifact = await client.GetArtifactAsync(artifactId, ct);
        if (artifact.Residence is { } r && r != ArtifactResidence.Managed)
            throw new InvalidOperationException($"artifact {artifactId} is {r}: its files live at {artifact.ContentUrl}, not in EMX2");
        var activity = $"Receiving artifact {artifactId}";
        progress?.Report(new TransferProgress { Activity = activity, CurrentFile = artifact.Name });
        IArtifactStore store = new Emx2ArtifactStore(client);
        if (progress is not null) store = new ProgressArtifactStore(store, activity, progress);
        await new ManagedInputStager(store, log).StageAsync(artifact, full, ct);
        var files = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        // The last word on progress: concurrent per-file reports may arrive out of order.
        var bytes = files.Sum(f => f.Length);
        progress?.Report(new TransferProgress { Activity = activity, FilesDone = files.Count, FilesTotal = files.Count, BytesDone = bytes, BytesTotal = bytes });
        return new DownloadSummary { ArtifactId = artifactId, Directory = full, Files = files.Count, Bytes = bytes };
    }
}
