using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>A job plus the artifacts its representation mentions (output, log, inputs), read in the same
/// transaction so the enriched response is consistent.</summary>
internal sealed record JobSnapshot(JobRecord Job, IReadOnlyDictionary<string, ArtifactRecord> Artifacts)
{
    public static JobSnapshot Of(DbSession db, JobRecord job)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (job.OutputArtifactId is not null) ids.Add(job.OutputArtifactId);
        if (job.LogArtifactId is not null) ids.Add(job.LogArtifactId);
        foreach (var id in InputArtifactIds.ForEnrichment(job.InputsJson)) ids.Add(id);
        var found = new Dictionary<string, ArtifactRecord>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (db.Artifacts.Find(id) is { } artifact) found[id] = artifact;
        }
        return new JobSnapshot(job, found);
    }
}
