using Emx2Hpc.Core.Protocol;

namespace Emx2Hpc.Tests.Unit.Faults.Support;

/// <summary>A job the harness created and what must become of it.</summary>
internal sealed record PlannedJob(string Id, string ExpectedStatus, int Steps, bool HasInputs, bool SeveralOutputs)
{
    public string Kind => $"{(ExpectedStatus == JobStatus.Completed ? "complete" : "fail")}/steps={Steps}"
                          + (HasInputs ? "/inputs" : "") + (SeveralOutputs ? "/outputs" : "");
}

/// <summary>The standard mix: most jobs complete, every fifth fails with exit code 3, some stage a managed input
/// artifact (two files, one nested), some leave several output files, and the simulated run length varies
/// (0 steps: done within the cycle that submitted it; 1: seen running, with progress, by that cycle and finished by
/// the next).</summary>
internal static class JobMix
{
    public static async Task<IReadOnlyList<PlannedJob>> CreateAsync(FaultSite site, int count, string? processor = null, Func<int, int>? stepsOf = null)
    {
        var input = await site.CreateInputAsync("fault-input", new Dictionary<string, string>
        {
            ["reads/sample-1.fastq"] = "@r1\nACGT\n+\nIIII\n",
            ["manifest.txt"] = "sample-1\n",
        });
        var jobs = new List<PlannedJob>(count);
        for (var i = 0; i < count; i++)
        {
            var fail = i % 5 == 3;
            var steps = stepsOf?.Invoke(i) ?? (i % 4 == 1 || i == 7 ? 1 : 0);
            var hasInputs = i % 4 == 2;
            var severalOutputs = i % 3 == 1;
            // Several outputs are left by the simulated run itself: a directory planted before the worker creates
            // the job's workspace is refused as hostile.
            var files = severalOutputs
                ? new Dictionary<string, string>
                {
                    ["tables/part-1.csv"] = $"job,{i}\nrow,1\n",
                    ["tables/part-2.csv"] = $"job,{i}\nrow,2\n",
                    ["summary.json"] = $"{{\"job\":{i},\"parts\":2}}\n",
                }
                : null;
            var simulate = fail
                ? (object)new { outcome = "fail", exit_code = 3, steps }
                : new { outcome = "complete", steps, files };
            var id = await site.CreateJobAsync(new { simulate, args = new object[] { "--index", i } },
                hasInputs ? [input] : null, processor);
            jobs.Add(new PlannedJob(id, fail ? JobStatus.Failed : JobStatus.Completed, steps, hasInputs, severalOutputs));
        }
        return jobs;
    }
}
