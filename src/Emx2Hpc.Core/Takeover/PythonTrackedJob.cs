using System.Globalization;
using Emx2Hpc.Core.State;
using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Core.Takeover;

/// <summary>One row of the Python emx2-hpc-daemon's tracked_jobs table (REFERENCE-DAEMON §3.4). Its times are stored as
/// wall-clock epoch seconds; 0 means unset.</summary>
public sealed record PythonTrackedJob
{
    public required string Emx2JobId { get; init; }
    public string? SlurmJobId { get; init; }
    public required string Status { get; init; }
    public string? WorkDir { get; init; }
    public string? OutputDir { get; init; }
    public string? Processor { get; init; }
    public string? Profile { get; init; }
    public DateTimeOffset? ClaimedAtUtc { get; init; }
    /// <summary>null, log_uploaded, output_uploaded or transitioning: how far its completion got.</summary>
    public string? CompletionPhase { get; init; }
    public string? LogArtifactId { get; init; }
    public string? OutputArtifactId { get; init; }
    public string? SubmitUser { get; init; }
    public int? TimeoutSeconds { get; init; }

    /// <summary>Every row of the tracker at <paramref name="path"/>, read without writing anything beside it.</summary>
    public static IReadOnlyList<PythonTrackedJob> ReadAll(string path)
    {
        using var db = PythonStateFile.OpenReadOnly(path);
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT emx2_job_id, slurm_job_id, status, work_dir, output_dir, processor, profile, claimed_at, completion_phase, " +
                          "log_artifact_id, output_artifact_id, submit_user, timeout_seconds FROM tracked_jobs ORDER BY claimed_at, emx2_job_id";
        using var r = cmd.ExecuteReader();
        var rows = new List<PythonTrackedJob>();
        while (r.Read())
            rows.Add(new PythonTrackedJob
            {
                Emx2JobId = r.GetString(0), SlurmJobId = Text(r, 1), Status = Text(r, 2) ?? "CLAIMED", WorkDir = Text(r, 3), OutputDir = Text(r, 4),
                Processor = Text(r, 5), Profile = Text(r, 6),
                ClaimedAtUtc = r.IsDBNull(7) || r.GetDouble(7) <= 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)(r.GetDouble(7) * 1000)),
                CompletionPhase = Text(r, 8), LogArtifactId = Text(r, 9), OutputArtifactId = Text(r, 10), SubmitUser = Text(r, 11),
                TimeoutSeconds = r.IsDBNull(12) ? null : Convert.ToInt32(r.GetValue(12), CultureInfo.InvariantCulture),
            });
        return rows;
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) || r.GetString(i).Length == 0 ? null : r.GetString(i);
}
