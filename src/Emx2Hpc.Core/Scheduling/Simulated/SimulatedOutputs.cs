using System.Text;
using System.Text.Json.Nodes;

namespace Emx2Hpc.Core.Scheduling.Simulated;

/// <summary>The files a simulated run leaves in the job's output directory, named like a real run's so the
/// collection and upload code is exercised unchanged: .hpc_progress.jsonl while running, slurm-&lt;id&gt;.out/.err
/// at the end, and result.txt when it completes.</summary>
internal static class SimulatedOutputs
{
    public const string ProgressFile = ".hpc_progress.jsonl";
    public const string ResultFile = "result.txt";

    public static void AppendProgress(SimulatedJobRecord job, double progress, string message)
    {
        Directory.CreateDirectory(job.Output);
        var line = new JsonObject { ["phase"] = "simulating", ["message"] = message, ["progress"] = Math.Round(progress, 4) }.ToJsonString();
        File.AppendAllText(Path.Combine(job.Output, ProgressFile), line + "\n", new UTF8Encoding(false));
    }

    public static void WriteLogs(SimulatedJobRecord job, string stdout, string stderr)
    {
        Directory.CreateDirectory(job.Output);
        File.WriteAllText(Path.Combine(job.Output, $"slurm-{job.Id}.out"), stdout, new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(job.Output, $"slurm-{job.Id}.err"), stderr, new UTF8Encoding(false));
    }

    public static void WriteResult(SimulatedJobRecord job)
    {
        var text = new StringBuilder()
            .Append("emx2-hpc simulated result\n")
            .Append("job_id: ").Append(job.Emx2JobId).Append('\n')
            .Append("scheduler_job_id: ").Append(job.Id).Append('\n')
            .Append("args: ").Append(new JsonArray(job.Args.Select(a => (JsonNode?)a).ToArray()).ToJsonString()).Append('\n')
            .Append("environment_names: ").Append(string.Join(", ", job.EnvironmentNames)).Append('\n')
            .Append("inputs (path, size, sha256):\n");
        foreach (var line in InputListing.Describe(job.Input)) text.Append("  ").Append(line).Append('\n');
        Directory.CreateDirectory(job.Output);
        File.WriteAllText(Path.Combine(job.Output, ResultFile), text.ToString(), new UTF8Encoding(false));
        foreach (var (relative, content) in job.Plan.Files ?? new Dictionary<string, string>())
        {
            var path = Path.Combine(job.Output, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content, new UTF8Encoding(false));
        }
    }
}
