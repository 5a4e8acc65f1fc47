using System.Diagnostics;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>ProcessRunner against real programs.</summary>
public sealed class ProcessRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<ProcessResult> Run(string file, string[] args, double timeoutSeconds = 10, IProcessRunner? runner = null,
        CancellationToken ct = default) =>
        (runner ?? new ProcessRunner()).RunAsync(new ProcessCommand(file, args, TimeSpan.FromSeconds(timeoutSeconds)), ct);

    [Fact]
    public async Task Captures_stdout_exit_code_and_elapsed()
    {
        var result = await Run("/bin/echo", ["hello", "world"]);
        Assert.Equal((0, "hello world\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
        Assert.True(result.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task Arguments_are_passed_verbatim_without_a_shell()
    {
        var canary = _temp.Combine("pwned");
        var result = await Run("/bin/echo", [$"$(touch {canary})", "a  b", "'q'", "*"]);
        Assert.Equal($"$(touch {canary}) a  b 'q' *\n", result.Stdout);
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public async Task Captures_stderr_and_non_zero_exit()
    {
        var result = await Run("sh", ["-c", "echo oops >&2; exit 3"]);
        Assert.Equal((3, "oops\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public async Task Searches_the_path_for_bare_names() => Assert.Equal(0, (await Run("true", [])).ExitCode);

    [Fact]
    public async Task Missing_binary_is_unavailable_and_names_the_command()
    {
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() =>
            Run("sbatch", [], runner: new ProcessRunner(new Dictionary<string, string> { ["PATH"] = _temp.Path })));
        Assert.Equal("sbatch not found on PATH", ex.Message);
        var absolute = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => Run("/nonexistent/bin/squeue", []));
        Assert.Contains("/nonexistent/bin/squeue not found", absolute.Message);
    }

    [Fact]
    public async Task Timeout_kills_the_whole_process_tree()
    {
        var pidFile = _temp.Combine("grandchild.pid");
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<SchedulerUnavailableException>(() =>
            Run("sh", ["-c", $"sleep 60 & echo $! > {pidFile}; wait"], timeoutSeconds: 0.5));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("did not finish within 0.5 s", ex.Message);

        var grandchild = int.Parse(File.ReadAllText(pidFile).Trim());
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (IsAlive(grandchild) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(IsAlive(grandchild), $"grandchild {grandchild} survived the timeout");
    }

    [Fact]
    public async Task Cancellation_kills_the_process_and_throws_operation_cancelled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run("/bin/sleep", ["30"], timeoutSeconds: 60, ct: cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Environment_is_only_the_allowlist()
    {
        const string secret = "EMX2HPC_TEST_SECRET_TOKEN";
        Environment.SetEnvironmentVariable(secret, "s3cret-value");
        Environment.SetEnvironmentVariable("SBATCH_PARTITION", "should-not-leak");
        try
        {
            var env = (await Run("/usr/bin/env", [])).Stdout;
            Assert.DoesNotContain(secret, env);
            Assert.DoesNotContain("s3cret-value", env);
            Assert.DoesNotContain("SBATCH_PARTITION", env);
            Assert.Contains("PATH=", env);
        }
        finally
        {
            Environment.SetEnvironmentVariable(secret, null);
            Environment.SetEnvironmentVariable("SBATCH_PARTITION", null);
        }
    }

    [Fact]
    public void Allowlist_keeps_path_home_user_lang_slurm_conf_and_munge_variables()
    {
        var filtered = ChildEnvironment.From(new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin", ["HOME"] = "/home/h", ["USER"] = "h", ["LANG"] = "C.UTF-8", ["SLURM_CONF"] = "/etc/slurm/slurm.conf",
            ["MUNGE_SOCKET"] = "/run/munge/munge.socket.2", ["EMX2_SECRET"] = "x", ["SQUEUE_FORMAT"] = "%i", ["LD_PRELOAD"] = "/x.so",
            ["SLURM_JOB_ID"] = "1",
        });
        Assert.Equal(["HOME", "LANG", "MUNGE_SOCKET", "PATH", "SLURM_CONF", "USER"], filtered.Keys.Order());
    }

    [Fact]
    public async Task Working_directory_is_applied()
    {
        var result = await new ProcessRunner().RunAsync(
            new ProcessCommand("/bin/pwd", [], TimeSpan.FromSeconds(10)) { WorkingDirectory = _temp.Path }, CancellationToken.None);
        Assert.Equal(_temp.Path + "\n", result.Stdout);
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            // A zombie (state Z) is dead, just not yet reaped by its new parent.
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException) { return false; }
    }
}
