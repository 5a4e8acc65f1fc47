using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Emx2Hpc.Core.Operations;
using Emx2Hpc.Core.Protocol.Dtos;
using Emx2Hpc.Emulator;

namespace Emx2Hpc.Tests.Unit.Operations;

/// <summary>An emulator, a worker configuration with the operations keys set, and a way to push jobs through the
/// simulated scheduler: what the metrics and audit tests share.</summary>
public sealed class OperationsWorld : IAsyncDisposable
{
    public const string WorkerId = "ops-worker";
    public const string Secret = "ops-worker-secret-0123456789abcdefghijklmnop";
    public const string Token = "ops-editor-token";
    public string Root { get; } = Directory.CreateTempSubdirectory("emx2hpc-ops-").FullName;
    public EmulatorServer Server { get; private set; } = null!;
    public string Config => Path.Combine(Root, "config.yaml");
    public string Textfile => Path.Combine(Root, "textfile", "emx2_hpc.prom");
    public string AuditFile => Path.Combine(Root, "audit", "audit.jsonl");
    public string StateDb => Path.Combine(Root, "state", "state.db");

    public static async Task<OperationsWorld> StartAsync(string extraYaml = "")
    {
        var world = new OperationsWorld();
        var options = new EmulatorOptions();
        options.WorkerSecrets[WorkerId] = Secret;
        options.UserTokens[Token] = UserRole.Editor;
        world.Server = await EmulatorServer.StartAsync(options);
        var secretFile = Path.Combine(world.Root, "secret");
        File.WriteAllText(secretFile, Secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(world.Config, $"""
            emx2:
              base_url: {world.Server.BaseUrl}
              worker_id: {WorkerId}
              worker_secret_file: secret
            worker:
              state_db: state/state.db
              instance_registry: state/instances
            profiles:
              "embed/gpu":
                host_entrypoint: /bin/sh
                cpus: 2
                memory: 1G
                time: "00:10:00"
            apptainer:
              tmp_dir: jobs
            metrics:
              textfile: textfile/emx2_hpc.prom
            audit:
              path: audit/audit.jsonl
            {extraYaml}
            """);
        return world;
    }

    public WorkerSession Open(string? token = null) =>
        WorkerSession.Open(new WorkerSessionOptions { ConfigPath = Config, Simulate = true, UserToken = token });

    public async Task<string> NewJobAsync(object? parameters = null)
    {
        using var user = Open(Token);
        var created = await user.NewJobAsync(new CreateJobRequest
        {
            Processor = "embed", Profile = "gpu",
            Parameters = parameters is null ? null : JsonSerializer.SerializeToElement(parameters),
        }, default);
        return created.Id;
    }

    /// <summary>Runs cron cycles (a fresh session each, as separate `once` runs would) until no job is tracked.</summary>
    public async Task RunUntilIdleAsync(int maxCycles = 8)
    {
        for (var i = 0; i < maxCycles; i++)
        {
            using var session = Open();
            var report = await session.InvokeCycleAsync(default);
            if (report.Emx2Unreachable) throw new InvalidOperationException(report.ToString());
            if (i > 0 && report.TrackedJobs == 0) return;
        }
        throw new InvalidOperationException($"jobs still tracked after {maxCycles} cycles");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Prometheus' own parser: `promtool check metrics` reads the exposition text on stdin and fails on any
/// format error (it also lints names and help). CI installs it with .ci/ops.sh; a missing promtool fails the test,
/// so a format check can never silently not run.</summary>
public static class Promtool
{
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var path = Emx2Hpc.Core.Scheduling.Processes.ExecutableLocator.Find("promtool", Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException("promtool is not installed (run .ci/ops.sh, which extracts it from Debian's prometheus package)");
        var start = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
