using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Emx2Hpc.Core.Scheduling.Processes;

namespace Emx2Hpc.Bench.Cycle;

/// <summary>Slurm's command-line tools as the product sees them, for N jobs that all run: sbatch queues, squeue
/// lists every job RUNNING (format SqueueParser.Format), sacct knows nothing more. Each command costs
/// <see cref="CommandCost"/> of wall time (fork/exec plus the RPC to slurmctld, measured on the live cluster when
/// there is one) and is counted, so the product's and the reference's scheduler traffic are priced alike.</summary>
internal sealed partial class FakeSlurm(TimeSpan commandCost) : IProcessRunner
{
    private readonly ConcurrentDictionary<string, string> _jobs = new(StringComparer.Ordinal); // slurm id -> EMX2 id
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private int _nextId = 1000;

    public TimeSpan CommandCost { get; } = commandCost;

    public int Calls(string command) => _calls.GetValueOrDefault(command);
    public int TotalCalls => _calls.Values.Sum();
    public void ResetCounts() => _calls.Clear();

    public async Task<ProcessResult> RunAsync(ProcessCommand command, CancellationToken ct)
    {
        var name = Path.GetFileName(command.FileName);
        _calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        var watch = Stopwatch.StartNew();
        if (CommandCost > TimeSpan.Zero) await Task.Delay(CommandCost, ct);
        var stdout = name switch
        {
            "sbatch" => Sbatch(command.Arguments[^1]),
            "squeue" => string.Concat(_jobs.OrderBy(j => j.Key, StringComparer.Ordinal)
                .Select(j => $"{j.Key}|RUNNING|None|node1|1:00|emx2hpc:{j.Value}|emx2-{j.Value}\n")),
            _ => "", // sacct: nothing has finished; scancel: accepted
        };
        return new ProcessResult(0, stdout, "", watch.Elapsed);
    }

    /// <summary>One `squeue -j ID -h -o "%T|%R|%N"` of the reference daemon (the output is not needed, the cost is).</summary>
    public Task ReferenceStatusQueryAsync(string slurmId, CancellationToken ct) =>
        RunAsync(new ProcessCommand("squeue", ["-j", slurmId, "-h", "-o", "%T|%R|%N"], TimeSpan.FromSeconds(30)), ct);

    private string Sbatch(string scriptPath)
    {
        var script = File.ReadAllText(scriptPath);
        var match = CommentTag().Match(script);
        if (!match.Success) throw new InvalidOperationException($"no --comment tag in {scriptPath}");
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _jobs[id] = match.Groups[1].Value;
        return id + "\n";
    }

    [GeneratedRegex(@"--comment=['""]?emx2hpc:([0-9a-f-]{36})")]
    private static partial Regex CommentTag();
}
