using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>The transition algorithm shared by transition, complete and cancel (SERVER-SPEC §7.2/§7.3).</summary>
internal sealed class TransitionService(HpcDatabase db, EmulatorClock clock)
{
    /// <param name="conflict">Builds the 409 detail from the job's current status (the endpoints word it differently).</param>
    public Task<JobSnapshot> ApplyAsync(string jobId, TransitionRequest request, Func<JobRecord, string> conflict) =>
        db.RunAsync(s =>
        {
            var job = s.Jobs.Find(jobId) ?? throw JobService.NotFound(jobId);
            var cancelByUser = request.Target == JobStatus.Cancelled && request.WorkerId is null;
            // A job owned by a worker only moves for that worker (cancel from the API excepted); unowned jobs accept anyone.
            if (job.WorkerId is not null && !cancelByUser && request.WorkerId != job.WorkerId)
                throw HpcProblemException.Conflict(conflict(job));
            var updated = request.Target == job.Status ? SameState(s, job, request) : Move(s, job, request, conflict);
            return JobSnapshot.Of(s, updated);
        });

    /// <summary>A repeated post of an identical transition is absorbed; a non-identical one carrying progress data
    /// updates the snapshot and adds an S→S audit row; anything else is a no-op 200.</summary>
    private JobRecord SameState(DbSession s, JobRecord job, TransitionRequest r)
    {
        if (s.Transitions.HasIdentical(job.Id, r.Target, r.WorkerId, r.Detail, r.Phase, r.Message, r.Progress)) return job;
        if (!r.CarriesProgress) return job;
        var updated = job with
        {
            Phase = r.Phase ?? job.Phase,
            Message = r.Message ?? job.Message,
            Progress = r.Progress ?? job.Progress,
        };
        s.Jobs.Update(updated);
        InsertRow(s, job.Id, job.Status, r, clock.Stamp());
        return updated;
    }

    private JobRecord Move(DbSession s, JobRecord job, TransitionRequest r, Func<JobRecord, string> conflict)
    {
        if (!JobStatus.IsLegal(job.Status, r.Target)) throw HpcProblemException.Conflict(conflict(job));
        // The server relies on a foreign key here and answers 500; the emulator names the bad reference instead.
        RequireArtifact(s, "output_artifact_id", r.OutputArtifactId);
        RequireArtifact(s, "log_artifact_id", r.LogArtifactId);
        var now = clock.Stamp();
        var updated = job with
        {
            Status = r.Target,
            WorkerId = r.WorkerId ?? job.WorkerId,
            SlurmJobId = r.SlurmJobId ?? job.SlurmJobId,
            OutputArtifactId = r.OutputArtifactId ?? job.OutputArtifactId,
            LogArtifactId = r.LogArtifactId ?? job.LogArtifactId,
            Phase = r.Phase ?? job.Phase,
            Message = r.Message ?? job.Message,
            Progress = r.Progress ?? job.Progress,
            SubmittedAt = r.Target == JobStatus.Submitted ? now : job.SubmittedAt,
            StartedAt = r.Target == JobStatus.Started ? now : job.StartedAt,
            CompletedAt = JobStatus.IsTerminal(r.Target) ? now : job.CompletedAt,
        };
        s.Jobs.Update(updated);
        InsertRow(s, job.Id, job.Status, r, now);
        return updated;
    }

    private static void InsertRow(DbSession s, string jobId, string from, TransitionRequest r, string now) =>
        s.Transitions.Insert(new TransitionRecord
        {
            Id = Guid.NewGuid().ToString(),
            JobId = jobId,
            FromStatus = from,
            ToStatus = r.Target,
            Timestamp = now,
            WorkerId = r.WorkerId,
            Detail = r.Detail,
            Phase = r.Phase,
            Message = r.Message,
            Progress = r.Progress,
        });

    private static void RequireArtifact(DbSession s, string field, string? id)
    {
        if (id is not null && s.Artifacts.Find(id) is null)
            throw HpcProblemException.BadRequest($"{field} references unknown artifact {id}");
    }
}
