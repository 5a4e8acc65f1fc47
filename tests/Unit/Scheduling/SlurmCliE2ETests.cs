using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.Scheduling.Slurm;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>SlurmCli against the real cluster on this machine (EMX2HPC_E2E=1). Job directories live under
/// /tmp so slurmd (same host) can reach them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SlurmCliE2ETests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _temp = new();
    private readonly SlurmCli _slurm = new(new ProcessRunner());

    public void Dispose() => _temp.Dispose();

    private BatchJobSpec Spec(string entrypoint, IReadOnlyList<string> args) =>
        Specs.Host(_temp.Combine("jobs"), entrypoint, Guid.NewGuid().ToString()) with
        {
            Resources = new ResourceSpec { Cpus = 1, Time = "00:05:00" },
            Args = args,
            Environment = new Dictionary<string, string> { ["GREETING"] = "it's \"fine\" $(nope)" },
        };

    private async Task<SchedulerJobInfo> WaitForAsync(string id, Func<SchedulerJobInfo, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        SchedulerJobInfo? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if ((await Tolerant(() => _slurm.QueryAsync([id], CancellationToken.None)))?.TryGetValue(id, out var info) == true)
            {
                last = info;
                if (done(info)) return info;
            }
            await Task.Delay(1000);
        }
        throw new TimeoutException($"job {id} did not get there in {Patience}; last seen {last?.Detail ?? "nowhere"}");
    }

    /// <summary>The shared cluster may be restarted by another test run; an unavailable controller is retried
    /// the way the daemon would, not treated as a result.</summary>
    private static async Task<T?> Tolerant<T>(Func<Task<T>> call) where T : class
    {
        try { return await call(); }
        catch (SchedulerUnavailableException) { return null; }
    }

    [E2EFact]
    public async Task Host_job_runs_to_completion_with_its_arguments_and_tag()
    {
        var dump = _temp.Combine("dump");
        var entry = ScriptTools.WriteDumpEntrypoint(_temp.Combine("bin", "entry.sh"), dump);
        var args = new[] { "$(touch /tmp/emx2hpc-e2e-pwned)", "two words", "it's" };
        var spec = Spec(entry, args);

        var id = await _slurm.SubmitAsync(spec, CancellationToken.None);
        var info = await WaitForAsync(id, i => SlurmStateMap.IsTerminal(i.State));

        Assert.Equal(SchedulerState.Completed, info.State);
        Assert.Equal(spec.Emx2JobId, info.Emx2JobId);
        Assert.Equal(args, ScriptTools.ReadArgs(dump));
        Assert.Equal("it's \"fine\" $(nope)", ScriptTools.ReadEnv(dump)["GREETING"]);
        Assert.Equal(spec.Directories.Work, File.ReadAllText(Path.Combine(dump, "pwd")).TrimEnd('\n'));
        Assert.Contains("entrypoint stdout", File.ReadAllText(Path.Combine(spec.Directories.Output, $"slurm-{id}.out")));
        Assert.False(File.Exists("/tmp/emx2hpc-e2e-pwned"));
        // Right after a job ends, sacct can show it under the name "allocation" for a moment (observed on 22.05);
        // the daemon's settle time covers that window, so the test waits it out too.
        IReadOnlyList<SchedulerJobInfo>? tagged = null;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            tagged = await Tolerant(() => _slurm.ListTaggedAsync(CancellationToken.None));
            if (tagged is not null && tagged.Any(j => j.SchedulerJobId == id)) break;
            await Task.Delay(1000);
        }
        Assert.NotNull(tagged);
        Assert.Contains(tagged, j => j.SchedulerJobId == id && j.Emx2JobId == spec.Emx2JobId);
    }

    [E2EFact]
    public async Task Failing_job_is_failed_with_its_exit_code()
    {
        var entry = ScriptTools.WriteExecutable(_temp.Combine("bin", "fail.sh"), "#!/bin/bash\necho broken >&2\nexit 3\n");
        var id = await _slurm.SubmitAsync(Spec(entry, []), CancellationToken.None);
        var info = await WaitForAsync(id, i => SlurmStateMap.IsTerminal(i.State));
        Assert.Equal((SchedulerState.Failed, "3:0", "NON_ZERO_EXIT"), (info.State, info.ExitCode, info.FailureCode));
    }

    [E2EFact]
    public async Task Cancelled_job_reports_who_cancelled_it()
    {
        var id = await _slurm.SubmitAsync(Spec("/bin/sleep", ["300"]), CancellationToken.None);
        await WaitForAsync(id, i => i.State == SchedulerState.Running);
        await _slurm.CancelAsync(id, CancellationToken.None);
        var info = await WaitForAsync(id, i => SlurmStateMap.IsTerminal(i.State));
        Assert.Equal(SchedulerState.Cancelled, info.State);
        Assert.NotNull(info.CancelledBy);
        await _slurm.CancelAsync(id, CancellationToken.None);   // already ended: not an error
    }
}
