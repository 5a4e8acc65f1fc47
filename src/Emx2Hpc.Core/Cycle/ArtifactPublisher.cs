using System.Text.Json;
using System.Text.Json.Nodes;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Staging;
using Emx2Hpc.Core.State;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Publishes one result artifact (log or output) with resume: the upload row is written before
/// POST /artifacts, the artifact id as soon as EMX2 answers, each file after its PUT is acknowledged, and the
/// commit last. Managed residence uploads bytes; posix registers metadata only (no bytes leave the cluster).</summary>
internal sealed class ArtifactPublisher(CycleContext ctx)
{
    /// <param name="posixDirectory">Where posix-residence files are (under staging.posix_output_root): the content_url.</param>
    public async Task<string?> PublishAsync(TrackedJob job, ArtifactRole role, IReadOnlyList<OutputFile> files, Residence residence,
        string? posixDirectory, CancellationToken ct)
    {
        if (files.Count == 0) return null;
        var upload = ctx.Store.GetUpload(job.JobId, role);
        if (upload is { State: UploadState.Committed }) return upload.ArtifactId;
        var residenceName = residence == Residence.Posix ? ArtifactResidence.Posix : ArtifactResidence.Managed;
        if (upload?.ArtifactId is null)
            upload = await CreateAsync(job, role, residenceName, posixDirectory, ct);

        var done = ctx.Store.UploadedFiles(job.JobId, role);
        foreach (var file in files)
        {
            if (done.TryGetValue(file.RelativePath, out var sha) && sha == file.Sha256) continue;
            try
            {
                await ArtifactTransfer.PutAsync(ctx.Client, upload.ArtifactId!, residenceName, file, null, ct);
            }
            catch (Emx2NotFoundException)
            {
                // The artifact was deleted in EMX2 behind our back: start a fresh one next cycle.
                ctx.Store.SaveUpload(upload with { ArtifactId = null, State = UploadState.Creating });
                throw new IOException($"artifact {upload.ArtifactId} disappeared from EMX2 during upload");
            }
            ctx.Store.InTransaction(tx =>
            {
                tx.MarkFileUploaded(job.JobId, role, file.RelativePath, file.Sha256);
                if (residenceName == ArtifactResidence.Managed)
                    tx.AddCounter(Metrics.PersistedCounters.BytesUploaded.Name, [], file.Size);
                ctx.Audit.Record(tx, Audit.AuditEvents.ArtifactUploaded, job, new Dictionary<string, object?>
                {
                    ["artifact_id"] = upload.ArtifactId, ["role"] = RoleName(role), ["path"] = file.RelativePath,
                    ["sha256"] = file.Sha256, ["size_bytes"] = file.Size, ["residence"] = residenceName,
                });
            });
        }

        var committed = await ArtifactTransfer.CommitAsync(ctx.Client, upload.ArtifactId!, residenceName, files, ct);
        var size = files.Sum(f => f.Size);
        ctx.Store.InTransaction(tx =>
        {
            tx.SaveUpload(upload with { State = UploadState.Committed, TreeSha256 = committed.Sha256, SizeBytes = size, FileCount = files.Count });
            ctx.Audit.Record(tx, Audit.AuditEvents.ArtifactCommitted, job, new Dictionary<string, object?>
            {
                ["artifact_id"] = upload.ArtifactId, ["role"] = RoleName(role), ["tree_sha256"] = committed.Sha256,
                ["size_bytes"] = size, ["file_count"] = files.Count, ["residence"] = residenceName,
            });
        });
        ctx.Log.Info($"committed {role.ToString().ToLowerInvariant()} artifact {upload.ArtifactId} of job {job.JobId} ({files.Count} files, {size} bytes)",
            ("job_id", job.JobId), ("artifact_id", upload.ArtifactId));
        return upload.ArtifactId;
    }

    private async Task<ArtifactUpload> CreateAsync(TrackedJob job, ArtifactRole role, string residence, string? posixDirectory, CancellationToken ct)
    {
        var pending = new ArtifactUpload { JobId = job.JobId, Role = role, Residence = residence, State = UploadState.Creating };
        ctx.Store.SaveUpload(pending); // intent first: a crash after this line is visible on restart
        var created = await ctx.Client.CreateArtifactAsync(new CreateArtifactRequest
        {
            Name = $"{(role == ArtifactRole.Log ? "log" : "output")}-{job.JobId[..8]}",
            Type = role == ArtifactRole.Log ? "log" : "blob",
            Residence = residence,
            ContentUrl = residence == ArtifactResidence.Posix
                ? new Uri(posixDirectory ?? throw new InvalidOperationException("a posix artifact needs its durable directory")).AbsoluteUri
                : null,
            Metadata = Provenance(job, role),
        }, ct);
        var saved = pending with { ArtifactId = created.Id, State = UploadState.Created };
        ctx.Store.InTransaction(tx =>
        {
            tx.SaveUpload(saved);
            ctx.Audit.Record(tx, Audit.AuditEvents.ArtifactCreated, job, new Dictionary<string, object?>
                { ["artifact_id"] = created.Id, ["role"] = RoleName(role), ["residence"] = residence });
        });
        return saved;
    }

    private static string RoleName(ArtifactRole role) => role == ArtifactRole.Log ? "log" : "output";

    /// <summary>Who made this and from what: enough to trace a result back to its job, inputs and parameters.</summary>
    private JsonElement Provenance(TrackedJob job, ArtifactRole role)
    {
        var meta = new JsonObject
        {
            ["job_id"] = job.JobId,
            ["processor"] = job.Processor,
            ["profile"] = job.Profile,
            ["worker_id"] = ctx.WorkerId,
            ["artifact_role"] = role == ArtifactRole.Log ? "log" : "output",
            ["scheduler"] = job.SchedulerName,
            ["scheduler_job_id"] = job.SchedulerJobId,
        };
        if (job.Claim?.Job is { } claimed)
        {
            if (claimed.SubmitUser is not null) meta["created_by"] = claimed.SubmitUser;
            try
            {
                var inputs = InputReferences.Parse(claimed.Inputs).Select(i => (JsonNode?)JsonValue.Create(i.ArtifactId)).ToArray();
                if (inputs.Length > 0) meta["input_artifact_ids"] = new JsonArray(inputs);
            }
            catch (StagingException)
            {
                // Unparseable inputs already failed the job at staging; provenance just omits them.
            }
            if (claimed.Parameters is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } p)
                meta["parameters_sha256"] = BodyHash.OfUtf8(p.GetRawText());
        }
        return JsonSerializer.SerializeToElement(meta, LocalJsonContext.Default.JsonObject);
    }
}
