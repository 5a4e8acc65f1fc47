using System.Text.Json;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.State;
using Emx2Hpc.Core.Status;
using Emx2Hpc.Emulator;
using Emx2Hpc.Tests.Unit.Cli;
using Emx2Hpc.Tests.Unit.Cycle;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Status;

/// <summary>`status` / Get-HpcWorkerStatus against the emulator and a real state database: a healthy worker, EMX2
/// down, refused credentials, a hung cycle's lock and an old outbox each give the right verdict and reason.</summary>
public sealed class WorkerStatusTests : IAsyncLifetime
{
    private const string WorkerId = "status-worker";
    private const string Secret = "status-worker-secret-0123456789abcdefghijkl";
    private readonly string _root = Directory.CreateTempSubdirectory("emx2hpc-status-").FullName;
    private EmulatorServer? _server;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = Secret;
        _server = await EmulatorServer.StartAsync(options);
        WriteConfig(_server.BaseUrl.ToString(), Secret);
    }

    private void WriteConfig(string baseUrl, string secret, int pollInterval = 30, int maxReportAge = 900)
    {
        var secretFile = Path.Combine(_root, "secret");
        File.WriteAllText(secretFile, secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _config = Path.Combine(_root, "config.yaml");
        File.WriteAllText(_config, $"""
            emx2:
              base_url: {baseUrl}
              worker_id: {WorkerId}
              worker_secret_file: secret
            worker:
              state_db: state/state.db
              instance_registry: state/instances
              poll_interval_seconds: {pollInterval}
            apptainer:
              tmp_dir: jobs
            status:
              max_report_age_seconds: {maxReportAge}
              max_cycle_seconds: 600
            """);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private WorkerSession Open() => WorkerSession.Open(new WorkerSessionOptions { ConfigPath = _config, Simulate = true });

    private async Task RunCycleAsync()
    {
        using var session = Open();
        var report = await session.InvokeCycleAsync(default);
        Assert.False(report.Emx2Unreachable, report.ToString());
    }

    private string StateDb => Path.Combine(_root, "state", "state.db");

    [Fact]
    public async Task A_worker_after_a_clean_cycle_is_healthy_and_says_so_on_one_screen()
    {
        await RunCycleAsync();
        using var session = Open();
        var status = await session.GetStatusAsync(default);

        Assert.True(status.Healthy, string.Join("\n", status.Problems));
        Assert.Equal(WorkerId, status.WorkerId);
        Assert.NotNull(status.LastSuccessUtc);
        Assert.True(status.LastSuccessAge < TimeSpan.FromMinutes(1));
        Assert.Null(status.LastError);
        Assert.Equal(new ServiceProbe("emx2", true, true, status.Emx2.Detail), status.Emx2);
        Assert.True(status.Scheduler.Reachable);
        Assert.Equal(0, status.OutboxDepth);
        Assert.Null(status.LockHolder);
        Assert.True(status.StateDbExists);
        Assert.True(status.StateDbBytes > 0);
        Assert.Equal(StateDb, status.StateDb);
        Assert.All(Enum.GetNames<LocalPhase>(), p => Assert.Equal(0, status.JobsByPhase[p.ToLowerInvariant()]));

        var lines = WorkerStatusText.Lines(status);
        Assert.Contains(lines, l => l.StartsWith("health") && l.Contains("HEALTHY"));
        using var json = JsonDocument.Parse(WorkerStatusText.ToJson(status));
        Assert.True(json.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("last_success_age").ValueKind);
    }

    [Fact]
    public async Task The_status_request_is_read_only_no_claim_no_heartbeat()
    {
        await RunCycleAsync();
        _server!.RequestLog.Reset();
        using var session = Open();
        await session.GetStatusAsync(default);
        Assert.Equal(1, _server.RequestLog.Total);
        Assert.Equal(1, _server.RequestLog.Count("GET", "/api/hpc/jobs"));
    }

    [Fact]
    public async Task EMX2_down_makes_the_worker_unhealthy_and_names_it()
    {
        await RunCycleAsync();
        await _server!.DisposeAsync();
        _server = null;

        using var session = Open();
        var status = await session.GetStatusAsync(default);

        Assert.False(status.Healthy);
        Assert.False(status.Emx2.Reachable);
        Assert.Contains(status.Problems, p => p.StartsWith("EMX2 unreachable", StringComparison.Ordinal));
        Assert.NotNull(status.LastSuccessUtc); // local facts are still shown
    }

    [Fact]
    public async Task Refused_credentials_are_unhealthy()
    {
        await RunCycleAsync();
        WriteConfig(_server!.BaseUrl.ToString(), "not-the-secret-0123456789abcdefghijklmnopq");
        using var session = Open();
        var status = await session.GetStatusAsync(default);

        Assert.True(status.Emx2.Reachable);
        Assert.False(status.Emx2.CredentialsAccepted);
        Assert.Contains(status.Problems, p => p.StartsWith("EMX2 refuses this worker's credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lock_held_longer_than_a_cycle_can_take_is_a_hung_cycle()
    {
        await RunCycleAsync();
        // A live holder (this test process) that took the lock two hours ago.
        File.WriteAllText(CycleLock.PathFor(StateDb) + ".owner",
            $"pid={Environment.ProcessId} host=test since={DateTimeOffset.UtcNow.AddHours(-2):O}\n");

        using var session = Open();
        var status = await session.GetStatusAsync(default);

        Assert.False(status.Healthy);
        Assert.Equal(Environment.ProcessId, status.LockHolder!.Pid);
        Assert.True(status.LockHolder.Alive);
        Assert.Contains(status.Problems, p => p.StartsWith($"cycle lock held by pid {Environment.ProcessId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_record_left_by_a_dead_holder_is_shown_but_is_not_a_hung_cycle()
    {
        await RunCycleAsync();
        File.WriteAllText(CycleLock.PathFor(StateDb) + ".owner", $"pid=999999999 host=test since={DateTimeOffset.UtcNow.AddHours(-2):O}\n");
        using var session = Open();
        var status = await session.GetStatusAsync(default);
        Assert.False(status.LockHolder!.Alive);
        Assert.True(status.Healthy, string.Join("\n", status.Problems));
    }

    [Fact]
    public async Task An_old_unsent_report_is_unhealthy()
    {
        WriteConfig(_server!.BaseUrl.ToString(), Secret, pollInterval: 3600, maxReportAge: 60);
        await RunCycleAsync();
        using (var store = StateStore.Open(StateDb)) store.Enqueue("job-1", ReportKind.Transition, "STARTED", "{}");

        var config = HpcConfigLoader.LoadFile(_config);
        var clock = new FakeClock(DateTimeOffset.UtcNow.AddMinutes(5));
        using var client = new Emx2Client(WorkerStatusProbe.ClientOptions(config));
        var status = await WorkerStatusProbe.ProbeAsync(config, client, simulate: true, new ProcessRunner(), clock, default);

        Assert.Equal(1, status.OutboxDepth);
        Assert.True(status.OldestReportAge > TimeSpan.FromMinutes(4));
        Assert.Equal([$"oldest unsent report is {Ages.Text(status.OldestReportAge!.Value)} old (limit 1m00s; status.max_report_age_seconds)"], status.Problems);
    }

    [Fact]
    public async Task A_stalled_worker_is_unhealthy_after_three_poll_intervals()
    {
        await RunCycleAsync();
        var config = HpcConfigLoader.LoadFile(_config);
        using var client = new Emx2Client(WorkerStatusProbe.ClientOptions(config));
        var late = new FakeClock(DateTimeOffset.UtcNow.AddSeconds(30 * 3 + 5));
        var status = await WorkerStatusProbe.ProbeAsync(config, client, simulate: true, new ProcessRunner(), late, default);
        Assert.Single(status.Problems, p => p.StartsWith("last successful cycle", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cli_exit_codes_are_0_healthy_1_unhealthy_2_configuration_error()
    {
        await RunCycleAsync();
        var healthy = await CliProcess.RunAsync(_root, "status", "--simulate", "-c", _config);
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        Assert.Contains("HEALTHY", healthy.Stdout);

        var json = await CliProcess.RunAsync(_root, "status", "--simulate", "--json", "-c", _config);
        using (var doc = JsonDocument.Parse(json.Stdout)) Assert.Equal(WorkerId, doc.RootElement.GetProperty("worker_id").GetString());

        await _server!.DisposeAsync();
        _server = null;
        var down = await CliProcess.RunAsync(_root, "status", "--simulate", "-c", _config);
        Assert.True(down.ExitCode == 1, down.ToString());
        Assert.Contains("UNHEALTHY", down.Stdout);

        File.AppendAllText(_config, "status:\n  bogus: 1\n");
        var bad = await CliProcess.RunAsync(_root, "status", "-c", _config);
        Assert.True(bad.ExitCode == 2, bad.ToString());
    }
}
