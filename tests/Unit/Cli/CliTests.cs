using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Cli;

/// <summary>The emx2-hpc executable as cron and administrators use it, against an emulator started by the test.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private const string WorkerId = "cli-worker-01";
    private const string Secret = "cli-worker-secret-0123456789abcdefghijklmnopq";
    private const string EditorToken = "cli-editor-token";

    private readonly string _dir = Directory.CreateTempSubdirectory("emx2hpc-cli-").FullName;
    private EmulatorServer _server = null!;
    private Emx2Client _user = null!;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = Secret;
        options.UserTokens[EditorToken] = UserRole.Editor;
        _server = await EmulatorServer.StartAsync(options);
        _user = new Emx2Client(new Emx2ClientOptions { BaseUrl = _server.BaseUrl, Secret = EditorToken, AuthMode = Emx2AuthMode.Token });
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    /// <summary>Writes config.yaml and its 0600 secret file; returns the config path.</summary>
    private string WriteConfig(Uri? baseUrl = null, string secret = Secret, string? workerSection = null)
    {
        var secretFile = Path.Combine(_dir, "worker.secret");
        File.WriteAllText(secretFile, secret + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = Path.Combine(_dir, "config.yaml");
        File.WriteAllText(config, $"""
            emx2:
              base_url: {baseUrl ?? _server.BaseUrl}
              worker_id: {WorkerId}
              auth_mode: hmac
              worker_secret_file: worker.secret
            worker:
            {workerSection ?? "  poll_interval_seconds: 1"}
              max_concurrent_jobs: 2
              state_db: {Path.Combine(_dir, "state", "state.db")}
              instance_registry: {Path.Combine(_dir, "state", "instances")}
            profiles:
              embed:
                processor: "text-embedding:v3"
                profile: gpu-medium
                host_entrypoint: /bin/sh
                cpus: 1
                memory: 1G
                time: "00:10:00"
            apptainer:
              tmp_dir: {Path.Combine(_dir, "jobs")}

            """);
        return config;
    }

    private async Task<string> CreateJobAsync() =>
        (await _user.CreateJobAsync(new CreateJobRequest { Processor = "text-embedding:v3", Profile = "gpu-medium" })).Id;

    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    [Fact]
    public async Task Demo_exits_0_with_a_completed_job_and_both_artifacts()
    {
        var result = await CliProcess.RunAsync(_dir, "demo", "--dir", Path.Combine(_dir, "demo"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("demo: job COMPLETED with committed output and log artifacts", result.Stdout);
        Assert.Matches(@"output artifact [0-9a-f-]{36}: COMMITTED", result.Stdout);
        Assert.Matches(@"log artifact [0-9a-f-]{36}: COMMITTED", result.Stdout);
    }

    [Fact]
    public async Task Once_with_the_simulated_scheduler_runs_a_job_to_completion_across_invocations()
    {
        var config = WriteConfig();
        var id = await CreateJobAsync();

        var first = await CliProcess.RunAsync(_dir, "once", "--simulate", "-c", config);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(JobStatus.Started, _server.GetJob(id)!.Status);

        var second = await CliProcess.RunAsync(_dir, "once", "--simulate", "-c", config);
        Assert.True(second.ExitCode == 0, second.ToString());
        var job = _server.GetJob(id)!;
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(ArtifactStatus.Committed, _server.GetArtifact(job.OutputArtifactId!)!.Status);
        Assert.Equal(ArtifactStatus.Committed, _server.GetArtifact(job.LogArtifactId!)!.Status);
        Assert.Contains("cycle complete", second.Stderr);
    }

    [Fact]
    public async Task Once_exits_1_when_EMX2_refuses_the_secret()
    {
        var config = WriteConfig(secret: "a-wrong-secret-0123456789abcdefghijklmnopqrs");
        var id = await CreateJobAsync();

        var result = await CliProcess.RunAsync(_dir, "once", "--simulate", "-c", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("register", result.Stderr);
        Assert.DoesNotContain("a-wrong-secret", result.Stderr + result.Stdout);
        Assert.Equal(JobStatus.Pending, _server.GetJob(id)!.Status);
    }

    [Fact]
    public async Task A_configuration_error_exits_2_naming_file_line_and_key()
    {
        var config = WriteConfig(workerSection: "  poll_interval_seconds: often");
        var line = File.ReadAllLines(config).ToList().FindIndex(l => l.Contains("often", StringComparison.Ordinal)) + 1;

        foreach (var command in new[] { "once", "check", "register", "run" })
        {
            var result = await CliProcess.RunAsync(_dir, command, "--simulate", "-c", config);
            if (command == "register") result = await CliProcess.RunAsync(_dir, command, "-c", config);

            Assert.True(result.ExitCode == 2, $"{command}: {result}");
            Assert.Contains($"{config}:{line}:", result.Stderr);
            Assert.Contains("worker.poll_interval_seconds", result.Stderr);
        }
    }

    [Fact]
    public async Task Check_passes_against_a_healthy_emulator_and_fails_when_it_is_unreachable()
    {
        var healthy = await CliProcess.RunAsync(_dir, "check", "--simulate", "-c", WriteConfig());
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        Assert.Contains("All checks passed.", healthy.Stdout);

        var unreachable = await CliProcess.RunAsync(_dir, "check", "--simulate", "-c", WriteConfig(ClosedPort()));
        Assert.True(unreachable.ExitCode == 1, unreachable.ToString());
        Assert.Matches(@"\d+ checks? failed\.", unreachable.Stdout);
    }

    [Fact]
    public async Task Register_prints_the_capabilities_it_registered()
    {
        var result = await CliProcess.RunAsync(_dir, "register", "-c", WriteConfig());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Registered worker {WorkerId}", result.Stdout);
        Assert.Contains("Capabilities: 1", result.Stdout);
        Assert.Contains("  - text-embedding:v3 / gpu-medium", result.Stdout);
        Assert.Equal([("text-embedding:v3", "gpu-medium", 2)],
            _server.GetCapabilities(WorkerId).Select(c => (c.Processor, c.Profile, c.MaxConcurrentJobs ?? 0)));
    }

    [Fact]
    public async Task Register_exits_1_when_refused()
    {
        var result = await CliProcess.RunAsync(_dir, "register", "-c", WriteConfig(secret: "a-wrong-secret-0123456789abcdefghijklmnopqrs"));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Registration failed", result.Stderr);
        Assert.Empty(_server.GetCapabilities(WorkerId)); // the worker row exists (its credential was issued), nothing registered
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_with_job_id_fields()
    {
        var id = await CreateJobAsync();

        var result = await CliProcess.RunAsync(_dir, "once", "--simulate", "--json-logs", "-c", WriteConfig());

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.All(events, e => Assert.Equal(JsonValueKind.Object, e.ValueKind));
        Assert.All(events, e => Assert.True(e.TryGetProperty("level", out _) && e.TryGetProperty("message", out _) && e.TryGetProperty("logger", out _)));
        var aboutJob = events.Where(e => e.TryGetProperty("job_id", out var j) && j.GetString() == id).ToList();
        Assert.Contains(aboutJob, e => e.GetProperty("message").GetString()!.StartsWith($"claimed job {id}", StringComparison.Ordinal));
        Assert.Contains(aboutJob, e => e.TryGetProperty("slurm_job_id", out var s) && s.GetString()!.StartsWith("sim-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_stops_promptly_on_SIGTERM_with_exit_0()
    {
        var config = WriteConfig();
        using var run = CliProcess.Start(_dir, "run", "--simulate", "-c", config);
        await run.WaitForStderrAsync("cycle complete", TimeSpan.FromSeconds(30));

        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("/bin/kill", ["-TERM", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Contains("daemon stopped", result.Stderr);
        Assert.NotNull(_server.GetWorker(WorkerId));
    }
}
