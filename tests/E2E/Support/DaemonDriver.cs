using System.Diagnostics;
using System.Text;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>Drives the daemon the way cron does: `emx2-hpc once -c config.yaml` as a child process,
/// again and again, until EMX2 shows what the scenario waits for. Every run is kept; <see cref="RunAsync"/> writes
/// a one-line summary per run to the test output and, when the scenario fails, every run's stdout and stderr.</summary>
public sealed class DaemonDriver(E2EEnvironment env, ITestOutputHelper output)
{
    /// <summary>Pause between two runs (cron would use 20-60 s; the suite is impatient).</summary>
    public static readonly TimeSpan Cadence = TimeSpan.FromSeconds(2);
    /// <summary>Set to 1 to get every run's output for passing scenarios too.</summary>
    public const string TranscriptVariable = "EMX2HPC_E2E_TRANSCRIPT";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private readonly List<ChildResult> _runs = [];
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public E2EEnvironment Env => env;

    /// <summary>Runs the scenario body; on failure the full transcript of every CLI run goes to the test output.</summary>
    public async Task RunAsync(Func<Task> scenario)
    {
        try
        {
            await scenario();
            if (Environment.GetEnvironmentVariable(TranscriptVariable) == "1")
            {
                foreach (var run in _runs) output.WriteLine(run.ToString());
                return;
            }
            output.WriteLine($"scenario passed in {_watch.Elapsed.TotalSeconds:0.0}s after {_runs.Count} CLI runs:");
            foreach (var run in _runs) output.WriteLine($"  {run.Command.Split(' ').Skip(env.Cli.Count).FirstOrDefault()} → exit {run.ExitCode} in {run.Duration.TotalSeconds:0.0}s");
        }
        catch
        {
            output.WriteLine($"scenario FAILED after {_watch.Elapsed.TotalSeconds:0.0}s; emulator at {env.Emulator.BaseUrl}, files under {env.Root}");
            output.WriteLine($"transcript of {_runs.Count} CLI runs:");
            foreach (var run in _runs) output.WriteLine(run.ToString());
            throw;
        }
    }

    /// <summary>Any emx2-hpc command with the suite's configuration.</summary>
    public async Task<ChildResult> CliAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null, string? configPath = null)
    {
        var result = await ChildProcess.RunAsync(env.Cli[0], [.. env.Cli.Skip(1), .. args, "-c", configPath ?? env.ConfigPath], RunLimit, environment);
        _runs.Add(result);
        return result;
    }

    /// <summary>One cron cycle; it must exit 0.</summary>
    public async Task<ChildResult> OnceAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await CliAsync(["once"], environment);
        if (result.ExitCode != 0) throw new InvalidOperationException($"emx2-hpc once exited {result.ExitCode}:\n{result}");
        return result;
    }

    /// <summary>Runs `once` every <see cref="Cadence"/> until <paramref name="done"/> holds (checked after each run).</summary>
    public async Task DriveUntilAsync(Func<bool> done, TimeSpan timeout, string what, Func<string>? describe = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await OnceAsync(environment);
            if (done()) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"gave up after {timeout.TotalSeconds:0}s waiting for {what}; {describe?.Invoke() ?? ""}");
            await Task.Delay(Cadence);
        }
    }

    /// <summary>Drives the daemon until the job's EMX2 status is one of <paramref name="statuses"/>.</summary>
    public Task<JobDto> DriveJobUntilAsync(string jobId, TimeSpan timeout, params string[] statuses) =>
        DriveJobUntilAsync(jobId, timeout, null, statuses);

    /// <param name="environment">Extra variables for the `once` processes (the daemon's environment).</param>
    public async Task<JobDto> DriveJobUntilAsync(string jobId, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] statuses)
    {
        await DriveUntilAsync(() => statuses.Contains(env.Job(jobId).Status), timeout,
            $"job {jobId} to reach {string.Join(" or ", statuses)}", () => Describe(jobId), environment);
        return env.Job(jobId);
    }

    /// <summary>The job and its transition history, for failure messages.</summary>
    public string Describe(string jobId)
    {
        var job = env.Job(jobId);
        var text = new StringBuilder($"job {jobId} is {job.Status} (slurm {job.SlurmJobId ?? "none"}); transitions:");
        foreach (var t in env.Transitions(jobId)) text.Append($"\n  {t.FromStatus ?? "-"} → {t.ToStatus} [{t.WorkerId ?? "user"}] {t.Detail}");
        return text.ToString();
    }
}
