using System.Diagnostics;
using System.Text;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Tests.E2E.Support;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.MiniHpc.Support;

/// <summary>Runs the worker the way a site's cron would on a login node: `emx2-hpc once -c config.yaml` as the
/// directory user (setpriv drops root to the user's uid, gid and LDAP groups), again and again until EMX2 shows what
/// the scenario waits for. The worker gets its own HOME and inherits SLURM_CONF, which points sbatch/squeue/sacct at
/// the mini cluster. On failure every run's output goes to the test output.</summary>
public sealed class WorkerDriver(MiniHpcEnvironment env, ITestOutputHelper output)
{
    public static readonly TimeSpan Cadence = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private readonly List<ChildResult> _runs = [];
    private readonly List<string> _notes = [];
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    /// <summary>Adds a line (a Slurm capture, a node action) to the transcript, with the time since the start.</summary>
    public void Note(string text)
    {
        var line = $"+{_watch.Elapsed.TotalSeconds:0.0}s {text}";
        _notes.Add(line);
        output.WriteLine(line);
    }

    public async Task RunAsync(Func<Task> scenario)
    {
        try
        {
            await scenario();
            output.WriteLine($"scenario passed in {_watch.Elapsed.TotalSeconds:0.0}s after {_runs.Count} worker runs");
        }
        catch
        {
            output.WriteLine($"scenario FAILED after {_watch.Elapsed.TotalSeconds:0.0}s; files under {env.WorkerHome} and {env.JobsDir}");
            output.WriteLine(await env.Cluster.NodesTextAsync());
            foreach (var run in _runs) output.WriteLine(run.ToString());
            throw;
        }
    }

    public async Task<ChildResult> OnceAsync()
    {
        var home = Path.Combine(MiniHpcEnvironment.Shared, "home", MiniHpcEnvironment.ServiceUser);
        var result = await ChildProcess.RunAsync("setpriv",
            ["--reuid", MiniHpcEnvironment.ServiceUser, "--regid", MiniHpcEnvironment.ServiceUser, "--init-groups", "--",
             .. env.Cli, "once", "-c", env.ConfigPath],
            RunLimit,
            new Dictionary<string, string>
            {
                ["HOME"] = home, ["USER"] = MiniHpcEnvironment.ServiceUser, ["LOGNAME"] = MiniHpcEnvironment.ServiceUser,
                ["DOTNET_CLI_HOME"] = home, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
            });
        _runs.Add(result);
        if (result.ExitCode != 0) throw new InvalidOperationException($"emx2-hpc once (as {MiniHpcEnvironment.ServiceUser}) exited {result.ExitCode}:\n{result}");
        return result;
    }

    public async Task DriveUntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await OnceAsync();
            if (await done()) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"gave up after {timeout.TotalSeconds:0}s waiting for {what}; {describe?.Invoke() ?? ""}");
            await Task.Delay(Cadence);
        }
    }

    public Task DriveUntilAsync(Func<bool> done, TimeSpan timeout, string what, Func<string>? describe = null) =>
        DriveUntilAsync(() => Task.FromResult(done()), timeout, what, describe);

    public async Task<JobDto> DriveJobUntilAsync(string jobId, TimeSpan timeout, params string[] statuses)
    {
        await DriveUntilAsync(() => statuses.Contains(env.Job(jobId).Status), timeout,
            $"job {jobId} to reach {string.Join(" or ", statuses)}", () => Describe(jobId));
        return env.Job(jobId);
    }

    public string Describe(string jobId)
    {
        var job = env.Job(jobId);
        var text = new StringBuilder($"job {jobId} is {job.Status} (slurm {job.SlurmJobId ?? "none"}); transitions:");
        foreach (var t in env.Transitions(jobId)) text.Append($"\n  {t.FromStatus ?? "-"} → {t.ToStatus} [{t.WorkerId ?? "user"}] {t.Detail}");
        return text.ToString();
    }
}
