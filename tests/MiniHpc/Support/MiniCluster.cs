using Emx2Hpc.Core.Scheduling.Slurm;
using Emx2Hpc.Tests.E2E.Support;

namespace Emx2Hpc.Tests.MiniHpc.Support;

/// <summary>The Slurm side of the scenarios, asked as the admin on the head node, independently of the worker's
/// own parsing; the admin actions a scenario needs (crash a node, bring it back, drain, resume); and a capture
/// of the raw squeue/sacct text at the moments that matter, kept as fixtures for the unit tests
/// (tests/Unit/Fixtures/slurm/22.05/minihpc). squeue and sacct are asked in exactly the formats the worker uses
/// (<see cref="SqueueParser.Format"/>, <see cref="SacctParser.Fields"/>).</summary>
public sealed class MiniCluster
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(60);

    public string Rig { get; } = Path.Combine(CliLocator.RepositoryRoot, "e2e", "minihpc", "minihpc.sh");

    /// <summary>Where captures go: MINIHPC_CAPTURE_DIR, else out/minihpc-capture in the repository.</summary>
    public string CaptureDir { get; } = Environment.GetEnvironmentVariable("MINIHPC_CAPTURE_DIR") is { Length: > 0 } d
        ? d : Path.Combine(CliLocator.RepositoryRoot, "out", "minihpc-capture");

    public async Task RequireServiceUserAsync()
    {
        var result = await RunAsync("getent", ["passwd", MiniHpcEnvironment.ServiceUser]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"the directory user {MiniHpcEnvironment.ServiceUser} does not resolve here: run the tests on the head node " +
                $"({Rig} --exec dotnet test tests/MiniHpc) after {Rig} --up\n{result}");
        if (Environment.GetEnvironmentVariable("SLURM_CONF") is not { Length: > 0 })
            throw new InvalidOperationException($"SLURM_CONF is not set: run the tests through {Rig} --exec");
    }

    public async Task GiveToServiceUserAsync(params string[] paths)
    {
        foreach (var path in paths)
            Ensure(await RunAsync("chown", ["-R", $"{MiniHpcEnvironment.ServiceUser}:{MiniHpcEnvironment.ServiceUser}", path]));
    }

    /// <summary>squeue of the service user's jobs, all states, in the worker's format.</summary>
    public async Task<string> SqueueTextAsync() =>
        Ensure(await RunAsync("squeue", ["-h", "-u", MiniHpcEnvironment.ServiceUser, "-t", "all", "-o", SqueueParser.Format])).Stdout;

    /// <summary>sacct allocation rows in the worker's format; <paramref name="duplicates"/> adds -D (every
    /// attempt of a requeued job, not just the last).</summary>
    public async Task<string> SacctTextAsync(IEnumerable<string> slurmIds, bool duplicates = false)
    {
        List<string> args = ["-X", "-P", "-n", "-u", MiniHpcEnvironment.ServiceUser, "-o", SacctParser.Fields, "-j", string.Join(',', slurmIds)];
        if (duplicates) args.Insert(0, "-D");
        return Ensure(await RunAsync("sacct", args)).Stdout;
    }

    /// <summary>Every accounting record (all attempts) of jobs carrying this EMX2 job's name tag.</summary>
    public async Task<IReadOnlyList<SlurmJobRow>> AccountingByNameAsync(string emx2JobId)
    {
        var result = Ensure(await RunAsync("sacct",
            ["-D", "-X", "-P", "-n", "-u", MiniHpcEnvironment.ServiceUser, "-S", "now-1days", "--name", $"emx2-{emx2JobId}", "-o", SacctParser.Fields]));
        return SacctParser.Parse(result.Stdout);
    }

    /// <summary>The job's live row (any state), or null when the controller no longer holds it.</summary>
    public async Task<SlurmJobRow?> LiveAsync(string slurmId) =>
        SqueueParser.Parse(await SqueueTextAsync()).FirstOrDefault(r => r.JobId == slurmId);

    /// <summary>Writes squeue (all states) and sacct (-X, and -D) for these jobs as fixture files named
    /// &lt;label&gt;.squeue.txt, &lt;label&gt;.sacct.txt, &lt;label&gt;.sacct-D.txt; returns a summary for the test output.</summary>
    public async Task<string> CaptureAsync(string label, IReadOnlyCollection<string> slurmIds)
    {
        Directory.CreateDirectory(CaptureDir);
        var wanted = slurmIds.ToHashSet(StringComparer.Ordinal);
        var squeue = string.Concat((await SqueueTextAsync()).Split('\n').Where(l => wanted.Contains(l.Split('|')[0])).Select(l => l + "\n"));
        var sacct = await SacctTextAsync(slurmIds);
        var sacctAll = await SacctTextAsync(slurmIds, duplicates: true);
        await File.WriteAllTextAsync(Path.Combine(CaptureDir, label + ".squeue.txt"), squeue);
        await File.WriteAllTextAsync(Path.Combine(CaptureDir, label + ".sacct.txt"), sacct);
        await File.WriteAllTextAsync(Path.Combine(CaptureDir, label + ".sacct-D.txt"), sacctAll);
        return $"[{DateTime.UtcNow:HH:mm:ss.fff}] {label}\n squeue:\n{squeue} sacct -X:\n{sacct} sacct -D -X:\n{sacctAll}";
    }

    /// <summary>The node's state as sinfo prints it (idle, alloc, down*, drained …).</summary>
    public async Task<string> NodeStateAsync(string node) =>
        Ensure(await RunAsync("sinfo", ["-h", "-N", "-n", node, "-o", "%T"])).Stdout.Trim();

    public async Task<string> NodesTextAsync() => Ensure(await RunAsync("sinfo", ["-N", "-o", "%N %T %E"])).Stdout;

    /// <summary>A crashed machine: every process in the node's namespace (slurmd, slurmstepd, the job) gets
    /// SIGKILL, then the admin marks the node DOWN as a health check would.</summary>
    public async Task CrashNodeAsync(string node)
    {
        Ensure(await RunAsync("bash", [Rig, "--kill-node", node]));
        Ensure(await RunAsync("scontrol", ["update", $"nodename={node}", "state=down", "reason=minihpc-crash"]));
    }

    /// <summary>The node boots again: slurmd starts, the admin resumes it, and it is idle again.</summary>
    public async Task RestoreNodeAsync(string node)
    {
        Ensure(await RunAsync("bash", [Rig, "--start-node", node]));
        await WaitForNodeAsync(node, s => s == "idle", TimeSpan.FromSeconds(60), resume: true);
    }

    public async Task DrainAsync(IEnumerable<string> nodes, string reason)
    {
        foreach (var node in nodes) Ensure(await RunAsync("scontrol", ["update", $"nodename={node}", "state=drain", $"reason={reason}"]));
    }

    public async Task ResumeAsync(IEnumerable<string> nodes)
    {
        foreach (var node in nodes) Ensure(await RunAsync("scontrol", ["update", $"nodename={node}", "state=resume"]));
    }

    /// <summary>scontrol update partitionname=batch state=UP|DRAIN|DOWN|INACTIVE.</summary>
    public async Task SetPartitionStateAsync(string state) =>
        Ensure(await RunAsync("scontrol", ["update", $"partitionname={MiniHpcEnvironment.Partition}", $"state={state}"]));

    public async Task WaitForNodeAsync(string node, Func<string, bool> done, TimeSpan timeout, bool resume = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        string state;
        while (!done(state = await NodeStateAsync(node)))
        {
            // A node that registers after a crash stays DOWN (ReturnToService=1) until an admin resumes it.
            if (resume && state.StartsWith("down", StringComparison.Ordinal) && !state.EndsWith('*'))
                await RunAsync("scontrol", ["update", $"nodename={node}", "state=resume"]);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"node {node} is still '{state}' after {timeout.TotalSeconds:0}s");
            await Task.Delay(500);
        }
    }

    public async Task CancelIfQueuedAsync(string slurmId)
    {
        if (await LiveAsync(slurmId) is { } row && row.State is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING")
            await RunAsync("scancel", [slurmId]);
    }

    public static Task<ChildResult> RunAsync(string command, IReadOnlyList<string> args) => ChildProcess.RunAsync(command, args, CommandLimit);

    private static ChildResult Ensure(ChildResult result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"command failed:\n{result}");
}
