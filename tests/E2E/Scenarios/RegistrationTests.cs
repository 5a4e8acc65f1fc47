using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenario 1: worker registration, heartbeat and health.</summary>
public sealed class RegistrationTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Register_creates_the_worker_with_one_capability_per_profile() => ScenarioAsync(async () =>
    {
        // A worker of its own, so the assertion does not depend on whether another scenario's cycle registered first.
        var workerId = "e2e-register-" + Guid.NewGuid().ToString("N")[..8];
        var config = Env.AddWorkerConfig(workerId); // issues its credential (the emulator keeps a bare worker row for it)
        Assert.Empty(Env.Emulator.GetCapabilities(workerId));

        var result = await Daemon.CliAsync(["register"], configPath: config);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Registered worker {workerId}", result.Stdout);
        Assert.Equal(Environment.MachineName, Env.Emulator.GetWorker(workerId)?.Hostname);
        var capabilities = Env.Emulator.GetCapabilities(workerId);
        Assert.Equal(
            E2EEnvironment.ProfileScripts.Keys.Select(p => $"{E2EEnvironment.Processor}:{p}").Order(StringComparer.Ordinal),
            capabilities.Select(c => $"{c.Processor}:{c.Profile}").Order(StringComparer.Ordinal));
        Assert.All(capabilities, c => Assert.Equal(16, c.MaxConcurrentJobs));
    });

    [E2EFact]
    public Task Every_cron_cycle_refreshes_the_heartbeat() => ScenarioAsync(async () =>
    {
        await Daemon.OnceAsync();
        var before = Env.Emulator.GetWorker(E2EEnvironment.WorkerId)?.LastHeartbeatAt;
        Assert.NotNull(before);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // server timestamps have second precision

        await Daemon.OnceAsync();

        var after = Env.Emulator.GetWorker(E2EEnvironment.WorkerId)?.LastHeartbeatAt;
        Assert.NotNull(after);
        Assert.True(string.CompareOrdinal(after, before) > 0, $"heartbeat did not move: {before} → {after}");
    });

    [E2EFact]
    public Task Check_passes_against_the_emulator_and_the_cluster() => ScenarioAsync(async () =>
    {
        var result = await Daemon.CliAsync(["check"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("All checks passed.", result.Stdout);
        foreach (var tool in new[] { "sbatch", "squeue", "sacct", "scancel" }) Assert.Contains(tool, result.Stdout);
        Assert.NotEmpty(await Slurm.NodesAsync()); // the configured partition exists on the cluster
    });
}
