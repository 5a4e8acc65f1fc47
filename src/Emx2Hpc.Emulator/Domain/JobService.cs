using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Job creation, reads and deletion (SERVER-SPEC §6.4). Claims and transitions live in their own services.</summary>
internal sealed class JobService(HpcDatabase db, EmulatorClock clock)
{
    public const int MaxProcessorLength = 1024;

    public Task<JobRecord> CreateAsync(JsonElement body, string? submitUser)
    {
        var processor = RequireProcessor(body);
        var profile = JsonFields.String(body, "profile");
        if (profile is { Length: > MaxProcessorLength }) throw HpcProblemException.BadRequest($"profile must be at most {MaxProcessorLength} characters");
        if (profile == "") profile = null;
        var parameters = JsonFields.RawJson(body, "parameters");
        var inputs = JsonFields.TryGet(body, "inputs", out var inputsElement) ? inputsElement : (JsonElement?)null;
        var timeout = JsonFields.Int(body, "timeout_seconds");
        return db.RunAsync(s =>
        {
            if (inputs is { } i) RequireCommittedInputs(s, i);
            var now = clock.Stamp();
            var job = new JobRecord
            {
                Id = Guid.NewGuid().ToString(),
                Processor = processor,
                Profile = profile,
                ParametersJson = parameters,
                Status = JobStatus.Pending,
                InputsJson = inputs?.GetRawText(),
                SubmitUser = submitUser,
                CreatedAt = now,
                TimeoutSeconds = timeout,
            };
            s.Jobs.Insert(job);
            s.Transitions.Insert(new TransitionRecord
            {
                Id = Guid.NewGuid().ToString(),
                JobId = job.Id,
                FromStatus = null,
                ToStatus = JobStatus.Pending,
                Timestamp = now,
                Detail = "Job created",
            });
            return job;
        });
    }

    public Task<(List<JobSnapshot> Items, int Total)> ListAsync(string status, string? processor, string? profile, Paging paging) =>
        db.RunAsync(s =>
        {
            var (items, total) = s.Jobs.List(status, processor, profile, paging.Limit, paging.Offset);
            return (items.Select(j => JobSnapshot.Of(s, j)).ToList(), total);
        });

    public Task<JobSnapshot> GetAsync(string id) =>
        db.RunAsync(s => JobSnapshot.Of(s, s.Jobs.Find(id) ?? throw NotFound(id)));

    public Task<List<TransitionRecord>> TransitionsAsync(string id) => db.RunAsync(s => s.Transitions.ForJob(id));

    /// <summary>Order: 404 → 403 (ownership) → 409 (not terminal) → delete job and history. Artifacts stay.</summary>
    public Task DeleteAsync(string id, HpcPrincipal caller) =>
        db.RunAsync(s =>
        {
            var job = s.Jobs.Find(id) ?? throw NotFound(id);
            if (!caller.MayActOnJobOf(job.SubmitUser))
                throw HpcProblemException.Forbidden("Only the job submitter or a manager can delete this job");
            if (!JobStatus.IsTerminal(job.Status))
                throw HpcProblemException.Conflict($"Cannot delete job {id} in non-terminal status {job.Status}. Cancel it first.");
            s.Transitions.DeleteForJob(id);
            s.Jobs.Delete(id);
        });

    public static HpcProblemException NotFound(string id) => HpcProblemException.NotFound($"Job {id} not found");

    private static string RequireProcessor(JsonElement body)
    {
        // The server answers 500 for a non-string processor; a clean 400 serves clients better.
        var processor = JsonFields.String(body, "processor");
        if (string.IsNullOrWhiteSpace(processor)) throw HpcProblemException.BadRequest("processor is required");
        if (processor.Length > MaxProcessorLength) throw HpcProblemException.BadRequest($"processor must be at most {MaxProcessorLength} characters");
        return processor;
    }

    /// <summary>Every referenced input must exist (404) and be COMMITTED. The server answers 500 for an existing but
    /// uncommitted input; the emulator answers 409 Conflict, the status such a state conflict deserves.</summary>
    private static void RequireCommittedInputs(DbSession s, JsonElement inputs)
    {
        var missing = new List<string>();
        var notReady = new List<string>();
        foreach (var id in InputArtifactIds.ForValidation(inputs).Distinct(StringComparer.Ordinal))
        {
            var artifact = s.Artifacts.Find(id);
            if (artifact is null) missing.Add($"artifact {id} not found");
            else if (artifact.Status != ArtifactStatus.Committed) notReady.Add($"artifact {id} is {artifact.Status}, not COMMITTED");
        }
        if (missing.Count > 0) throw HpcProblemException.NotFound($"Input artifacts not ready: {string.Join("; ", missing.Concat(notReady))}");
        if (notReady.Count > 0) throw HpcProblemException.Conflict($"Input artifacts not ready: {string.Join("; ", notReady)}");
    }
}
