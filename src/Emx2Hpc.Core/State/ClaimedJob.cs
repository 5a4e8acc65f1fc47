using System.Text.Json;
using Emx2Hpc.Core.Protocol.Dtos;

namespace Emx2Hpc.Core.State;

/// <summary>The job as EMX2 handed it over (claim answer, or the full re-read when a job is adopted or imported):
/// parameters, inputs and submit_user, which staging, provenance and the audit trail need after a restart.
/// Stored as the JSON text EMX2's answer serialized to (column job_json) and parsed at most once per row read:
/// copies of a tracked job (<c>with</c>) share this instance, so the submitter, the publisher and the audit trail
/// of one pass read the same parsed job.</summary>
public sealed class ClaimedJob : IEquatable<ClaimedJob>
{
    private JobDto? _job;
    private readonly string? _jobId;

    private ClaimedJob(string json, JobDto? job, string? jobId)
    {
        Json = json;
        _job = job;
        _jobId = jobId;
    }

    /// <summary>The stored text (column job_json), byte for byte what was written.</summary>
    public string Json { get; }

    /// <summary>From EMX2's answer: serialized once for the row, never parsed back.</summary>
    public static ClaimedJob Of(JobDto job) => new(JsonSerializer.Serialize(job, JsonDefaults.Info<JobDto>()), job, job.Id);

    /// <summary>From the stored text; parsed on first use of <see cref="Job"/>. The id only names the job in errors.</summary>
    public static ClaimedJob FromStored(string json, string? jobId = null) => new(json, null, jobId);

    /// <summary>The parsed job. Throws <see cref="FormatException"/> saying what is wrong when the stored text is not
    /// a JSON object (the row was written by something other than this worker, or damaged).</summary>
    public JobDto Job => _job ??= Parse(Json, _jobId);

    /// <summary>Parses stored job_json; the message names the job and what is wrong with its text.</summary>
    public static JobDto Parse(string json, string? jobId = null)
    {
        var who = jobId is null ? "the stored claimed job" : $"the stored claimed job of {jobId}";
        JobDto? job;
        try
        {
            job = JsonSerializer.Deserialize(json, JsonDefaults.Info<JobDto>());
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{who} (tracked_jobs.job_json) is not valid JSON: {ex.Message}", ex);
        }
        return job ?? throw new FormatException($"{who} (tracked_jobs.job_json) is JSON null, not a job object");
    }

    public bool Equals(ClaimedJob? other) => other is not null && string.Equals(Json, other.Json, StringComparison.Ordinal);
    public override bool Equals(object? obj) => Equals(obj as ClaimedJob);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Json);
    public override string ToString() => Json;
}
