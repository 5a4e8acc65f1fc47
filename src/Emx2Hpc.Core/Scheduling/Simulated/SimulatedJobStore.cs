using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>The files of a simulated scheduler's state directory: one JSON file per job (replaced atomically by
/// write-to-temp + rename, so a reader never sees half a job) and an append-only submissions.log. Callers hold
/// the <see cref="StateDirectoryLock"/> around every read-modify-write.</summary>
internal sealed class SimulatedJobStore(string stateDirectory)
{
    public const string SubmissionsLogName = "submissions.log";

    private string JobsDirectory => Path.Combine(stateDirectory, "jobs");

    public string SubmissionsLog => Path.Combine(stateDirectory, SubmissionsLogName);

    public bool Exists(string id) => File.Exists(PathOf(id));

    public SimulatedJobRecord? Load(string id)
    {
        if (!IsValidId(id)) return null;
        var path = PathOf(id);
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize(File.ReadAllText(path), SimulatedJsonContext.Default.SimulatedJobRecord)
            ?? throw new SchedulerUnavailableException($"simulated job file {path} is empty");
    }

    public IEnumerable<SimulatedJobRecord> LoadAll()
    {
        if (!Directory.Exists(JobsDirectory)) yield break;
        foreach (var file in Directory.EnumerateFiles(JobsDirectory, "*.json").Order(StringComparer.Ordinal))
            if (Load(Path.GetFileNameWithoutExtension(file)) is { } job) yield return job;
    }

    public void Save(SimulatedJobRecord job)
    {
        Directory.CreateDirectory(JobsDirectory);
        var path = PathOf(job.Id);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(job, SimulatedJsonContext.Default.SimulatedJobRecord), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    public void Delete(string id) => File.Delete(PathOf(id));

    public void AppendSubmission(DateTimeOffset at, string id, string emx2JobId) =>
        File.AppendAllText(SubmissionsLog,
            $"{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}\t{id}\t{emx2JobId}\n",
            new UTF8Encoding(false));

    /// <summary>Ids come from callers (the state store); only our own shape may become a file name.</summary>
    public static bool IsValidId(string id) =>
        id.StartsWith("sim-", StringComparison.Ordinal) && id.Length > 4 && id[4..].All(char.IsAsciiHexDigitLower);

    private string PathOf(string id) => Path.Combine(JobsDirectory, id + ".json");
}
