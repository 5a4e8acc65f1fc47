using System.Diagnostics;
using System.Text;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The emx2-hpc CLI as cron and admins run it, as a child process against an in-process emulator:
/// stdout and stderr of every run are scanned for the secret at every verbosity, on success and failure
/// paths; a world-readable secret file is refused unless --allow-insecure-secret is given; configs that used to
/// crash or hang the loader exit 2 quickly.</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliTests
{
    private const string Area = "CLI";
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "emx2-hpc.dll");

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + "\n" + Stderr;
    }

    private static async Task<Run> RunCliAsync(HostileRoot root, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("EMX2_HPC_CONFIG");
        psi.Environment["HOME"] = root.Path;
        psi.Environment["XDG_STATE_HOME"] = root.Combine("xdg-state");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"emx2-hpc {string.Join(' ', args)} did not finish within 30 s");
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A config for the CLI; the secret file mode is given in octal.</summary>
    private static string WriteConfig(HostileRoot root, Uri baseUrl, string secretMode = "600", string? extra = null)
    {
        var secret = root.WriteFile("etc/worker.secret", CycleHarness.Secret + "\n");
        File.SetUnixFileMode(secret, (UnixFileMode)Convert.ToInt32(secretMode, 8));
        return root.WriteFile("etc/config.yaml", $"""
            emx2:
              base_url: {baseUrl}
              worker_id: {CycleHarness.WorkerId}
              worker_secret_file: {secret}
            worker:
              state_db: {root.Combine("state/state.db")}
              instance_registry: {root.Combine("state/instances")}
              poll_interval_seconds: 1
            apptainer:
              tmp_dir: {root.Combine("jobs")}
            profiles:
              "{CycleHarness.Processor}:{CycleHarness.Profile}":
                host_entrypoint: /bin/true
                cpus: 1
                memory: 1G
                time: "00:10:00"
            {extra ?? ""}
            """);
    }

    private static Task<EmulatorFixture> EmulatorAsync(string? serverSecret = null) =>
        EmulatorFixture.StartAsync(o => o.WorkerSecrets[CycleHarness.WorkerId] = serverSecret ?? CycleHarness.Secret);

    private static async Task<string> CreateJobAsync(EmulatorFixture emulator)
    {
        using var user = new Emx2Client(new Emx2ClientOptions { BaseUrl = emulator.BaseUrl, Secret = EmulatorFixture.EditorToken, AuthMode = Emx2AuthMode.Token });
        var job = await user.CreateJobAsync(new CreateJobRequest
        {
            Processor = CycleHarness.Processor, Profile = CycleHarness.Profile,
            Parameters = System.Text.Json.JsonSerializer.SerializeToElement(new { args = new[] { "x" }, simulate = new { steps = 0 } }),
        });
        return job.Id;
    }

    private static void AssertNoSecret(Run run, string what) => LogScanTests.AssertClean(run.All, CycleHarness.Secret, [], what);

    [Fact]
    public Task Once_with_debug_JSON_logs_runs_a_job_without_logging_the_secret() => HostileLedger.RunAsync(Area, "once -v --json-logs (full job)", async () =>
    {
        using var root = new HostileRoot();
        await using var emulator = await EmulatorAsync();
        var config = WriteConfig(root, emulator.BaseUrl);
        var jobId = await CreateJobAsync(emulator);
        var output = new StringBuilder();
        for (var i = 0; i < 4 && !JobStatus.IsTerminal(emulator.Server.GetJob(jobId)!.Status); i++)
        {
            var run = await RunCliAsync(root, "once", "-v", "--json-logs", "--simulate", "-c", config);
            Assert.True(run.ExitCode == 0, run.All);
            AssertNoSecret(run, $"once run {i + 1}");
            output.Append(run.All);
        }
        Assert.Equal(JobStatus.Completed, emulator.Server.GetJob(jobId)!.Status);
        Assert.Contains("\"level\":\"DEBUG\"", output.ToString());
        Assert.Contains("/api/hpc/jobs", output.ToString());
        return Verdict.Contained;
    });

    [Fact]
    public Task Once_with_a_refused_secret_exits_1_without_logging_it() => HostileLedger.RunAsync(Area, "once -v with a wrong secret (401)", async () =>
    {
        using var root = new HostileRoot();
        await using var emulator = await EmulatorAsync(serverSecret: "some-other-secret-that-the-server-expects-xyz");
        var run = await RunCliAsync(root, "once", "-v", "--simulate", "-c", WriteConfig(root, emulator.BaseUrl));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("401", run.All);
        AssertNoSecret(run, "once with 401");
        return Verdict.Refused;
    });

    [Fact]
    public Task Check_names_the_clock_skew_and_never_the_secret() => HostileLedger.RunAsync(Area, "check -v against a server 600 s ahead", async () =>
    {
        using var root = new HostileRoot();
        await using var emulator = await EmulatorAsync();
        emulator.Server.SetClock(() => DateTimeOffset.Now.AddSeconds(600));
        var run = await RunCliAsync(root, "check", "-v", "--simulate", "-c", WriteConfig(root, emulator.BaseUrl));
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"\[FAIL\] clock skew: local clock is (599|600|601) s behind the server", run.Stdout);
        Assert.Matches(@"\[FAIL\] emx2 auth: .*(599|600|601) s behind", run.Stdout);
        AssertNoSecret(run, "check with skew");
        return Verdict.Refused;
    });

    [Fact]
    public Task Check_succeeds_without_logging_the_secret() => HostileLedger.RunAsync(Area, "check -v (healthy)", async () =>
    {
        using var root = new HostileRoot();
        await using var emulator = await EmulatorAsync();
        var run = await RunCliAsync(root, "check", "-v", "--simulate", "-c", WriteConfig(root, emulator.BaseUrl));
        Assert.Contains("[PASS] emx2 auth", run.Stdout);
        AssertNoSecret(run, "healthy check");
        return Verdict.Contained;
    });

    [Theory]
    [InlineData("644")]
    [InlineData("640")]
    [InlineData("604")]
    public Task World_readable_secret_file_is_refused_by_the_CLI(string mode) => HostileLedger.RunAsync(Area, $"secret file mode 0{mode} without the override", async () =>
    {
        using var root = new HostileRoot();
        var config = WriteConfig(root, new Uri("http://127.0.0.1:9/"), mode);
        var secretFile = root.Combine("etc/worker.secret");
        var run = await RunCliAsync(root, "check", "-v", "--simulate", "-c", config);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"secret file '{secretFile}'", run.Stderr);
        Assert.Contains($"chmod 600 {secretFile}", run.Stderr);
        Assert.Contains($"(mode 0{mode})", run.Stderr);
        AssertNoSecret(run, "insecure secret refused");
        return Verdict.Refused;
    });

    [Fact]
    public Task World_readable_secret_file_is_accepted_with_the_override() => HostileLedger.RunAsync(Area, "secret file mode 0644 with --allow-insecure-secret", async () =>
    {
        using var root = new HostileRoot();
        await using var emulator = await EmulatorAsync();
        var run = await RunCliAsync(root, "check", "-v", "--simulate", "--allow-insecure-secret", "-c", WriteConfig(root, emulator.BaseUrl, "644"));
        Assert.DoesNotContain("configuration error", run.All);
        Assert.Contains("[PASS] emx2 auth", run.Stdout);
        AssertNoSecret(run, "insecure secret accepted");
        return Verdict.Contained;
    });

    [Fact]
    public Task Deeply_nested_config_exits_2_instead_of_crashing() => HostileLedger.RunAsync(Area, "config nested 100 000 levels deep", async () =>
    {
        using var root = new HostileRoot();
        var config = root.WriteFile("etc/deep.yaml", "x: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        var run = await RunCliAsync(root, "check", "--simulate", "-c", config);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stderr[..Math.Min(run.Stderr.Length, 500)]}");
        Assert.Contains("nested more than 64 levels deep", run.Stderr);
        return Verdict.Refused;
    });
}
