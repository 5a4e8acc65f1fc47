namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>One accounting row (sacct -X) of a job.</summary>
public sealed record SacctRow(string JobId, string JobName, string State, string ExitCode, string Comment)
{
    /// <summary>"CANCELLED by 0" → "CANCELLED".</summary>
    public string BaseState => State.Split(' ', 2)[0];
}

/// <summary>The Slurm side of the assertions: what squeue and sacct say, asked independently of the daemon's own
/// parsing, plus the few admin actions the scenarios need (drain/resume, an outside scancel).</summary>
public sealed class SlurmProbe
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(60);

    public string Partition { get; }

    public SlurmProbe(string partition) => Partition = partition;

    /// <summary>The job's allocation row in accounting, or null while slurmdbd has not recorded it.</summary>
    public async Task<SacctRow?> SacctAsync(string slurmJobId)
    {
        var result = await RunAsync("sacct", ["-X", "-P", "-n", "-j", slurmJobId, "-o", "JobID,JobName,State,ExitCode,Comment"]);
        return Rows(result).FirstOrDefault(r => r.JobId == slurmJobId);
    }

    /// <summary>Waits until accounting shows the job in a state <paramref name="done"/> accepts (slurmdbd may lag a
    /// few seconds behind the controller).</summary>
    public async Task<SacctRow> WaitForSacctAsync(string slurmJobId, Func<SacctRow, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        SacctRow? last = null;
        while (true)
        {
            last = await SacctAsync(slurmJobId) ?? last;
            if (last is not null && done(last)) return last;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"sacct never showed job {slurmJobId} as expected within {timeout.TotalSeconds:0}s; last row: {last?.ToString() ?? "none"}");
            await Task.Delay(1000);
        }
    }

    /// <summary>Accounting rows of every job with this name in the last day.</summary>
    public async Task<IReadOnlyList<SacctRow>> SacctByNameAsync(string jobName)
    {
        var result = await RunAsync("sacct", ["-X", "-P", "-n", "-S", "now-1days", "--name", jobName, "-o", "JobID,JobName,State,ExitCode,Comment"]);
        return Rows(result);
    }

    /// <summary>The job's state in the controller's queue (PENDING, RUNNING, COMPLETING …), or null when squeue no
    /// longer lists it.</summary>
    public async Task<string?> SqueueStateAsync(string slurmJobId)
    {
        var result = await RunAsync("squeue", ["-h", "-a", "-o", "%i|%T"]);
        Ensure(result);
        return Lines(result.Stdout).Select(l => l.Split('|')).FirstOrDefault(f => f.Length >= 2 && f[0] == slurmJobId)?[1];
    }

    /// <summary>Ids of queued or running jobs with this name.</summary>
    public async Task<IReadOnlyList<string>> SqueueIdsByNameAsync(string jobName)
    {
        var result = await RunAsync("squeue", ["-h", "-a", "--name", jobName, "-o", "%i"]);
        Ensure(result);
        return Lines(result.Stdout).ToList();
    }

    public async Task ScancelAsync(string slurmJobId) => Ensure(await RunAsync("scancel", [slurmJobId]));

    /// <summary>Every node of the partition (one on the test clusters).</summary>
    public async Task<IReadOnlyList<string>> NodesAsync()
    {
        var result = await RunAsync("sinfo", ["-h", "-N", "-p", Partition, "-o", "%N"]);
        Ensure(result);
        return Lines(result.Stdout).Distinct(StringComparer.Ordinal).ToList();
    }

    public async Task DrainAsync(IEnumerable<string> nodes, string reason)
    {
        foreach (var node in nodes) Ensure(await RunAsync("scontrol", ["update", $"nodename={node}", "state=drain", $"reason={reason}"]));
    }

    public async Task ResumeAsync(IEnumerable<string> nodes)
    {
        foreach (var node in nodes) Ensure(await RunAsync("scontrol", ["update", $"nodename={node}", "state=resume"]));
    }

    private static Task<ChildResult> RunAsync(string command, IReadOnlyList<string> args) => ChildProcess.RunAsync(command, args, CommandLimit);

    private static void Ensure(ChildResult result)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"Slurm command failed:\n{result}");
    }

    private static List<SacctRow> Rows(ChildResult result)
    {
        Ensure(result);
        return Lines(result.Stdout).Select(l => l.Split('|')).Where(f => f.Length >= 5)
            .Select(f => new SacctRow(f[0], f[1], f[2], f[3], f[4])).ToList();
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
