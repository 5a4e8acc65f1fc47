using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>The daemon's environment may hold secrets (used for ${VAR} in the config) and variables that change
/// how sbatch/squeue or a shell behave. Scheduler commands get an allowlisted environment only, and jobs get none
/// of it (<c>#SBATCH --export=NONE</c>; the Python daemon let sbatch copy everything).</summary>
[Collection(HostileCollection.Name)]
public sealed class EnvironmentIsolationTests
{
    private const string Area = "daemon environment";

    /// <summary>Variables set in the test process (the daemon) that must not reach a child.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Canaries = new Dictionary<string, string>
    {
        ["config secret"] = "EMX2HPC_TEST_WORKER_SECRET",
        ["cloud credential"] = "AWS_SECRET_ACCESS_KEY",
        ["sbatch defaults (SBATCH_EXPORT)"] = "SBATCH_EXPORT",
        ["squeue output format"] = "SQUEUE_FORMAT",
        ["bash startup file (BASH_ENV)"] = "BASH_ENV",
        ["loader preload (LD_PRELOAD)"] = "LD_PRELOAD",
        ["python path"] = "PYTHONPATH",
    };

    public static TheoryData<string> CaseNames => new(Canaries.Keys);

    private static readonly object EnvironmentGate = new();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Variable_is_not_inherited(string name) => HostileLedger.RunAsync(Area, name, async () =>
    {
        var variable = Canaries[name];
        var value = $"canary-{Guid.NewGuid():N}";
        ProcessRunner runner;
        if (variable is "LD_PRELOAD" or "BASH_ENV")
        {
            // Setting these in the shared test process would disturb children other tests start at the same moment:
            // hand the runner's filter a synthetic daemon environment instead.
            var daemon = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
            daemon[variable] = value;
            runner = new ProcessRunner(ChildEnvironment.From(daemon));
        }
        else
        {
            lock (EnvironmentGate)
            {
                var previous = Environment.GetEnvironmentVariable(variable);
                Environment.SetEnvironmentVariable(variable, value);
                try { runner = new ProcessRunner(); } // snapshots the allowlisted part of the environment now
                finally { Environment.SetEnvironmentVariable(variable, previous); }
            }
        }

        var result = await runner.RunAsync(new ProcessCommand("env", [], TimeSpan.FromSeconds(10)), CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(value, result.Stdout + result.Stderr);
        Assert.DoesNotContain(variable + "=", result.Stdout);
        Assert.Contains("PATH=", result.Stdout);

        using var root = new HostileRoot();
        foreach (var mode in new[] { ExecutionMode.Host, ExecutionMode.Apptainer })
        {
            var script = BatchScriptBuilder.Build(new BatchJobSpec
            {
                Emx2JobId = "9b2c6a3e-1d4f-4b8a-9c7e-5f6a7b8c9d0e",
                Directories = JobDirectories.For(root.Combine("jobs"), "9b2c6a3e-1d4f-4b8a-9c7e-5f6a7b8c9d0e"),
                Execution = mode == ExecutionMode.Host
                    ? new ExecutionSpec { Mode = mode, HostEntrypoint = "/bin/true" }
                    : new ExecutionSpec { Mode = mode, SifImage = "/images/a.sif", ContainerEntrypoint = "/run" },
                Resources = new ResourceSpec { Cpus = 1 },
            });
            Assert.Contains("\n#SBATCH --export=NONE\n", script);
            Assert.DoesNotContain(value, script);
            if (mode == ExecutionMode.Apptainer) Assert.Contains("'--cleanenv'", script);
        }
        return Verdict.Refused;
    });
}
