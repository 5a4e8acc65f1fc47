using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.State;
using Emx2Hpc.Tests.Unit.Configuration;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Takeover;

/// <summary>Configuration files of each generation of the Python emx2-hpc-daemon (REFERENCE-DAEMON §0) load as they
/// are: older keys are read under their new meaning and listed once as deprecated with the key that replaces them.</summary>
public sealed class PythonConfigTests : IDisposable
{
    private const string Secret = "python-era-secret-0123456789abcdefghijklmnop";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Fixture(string name, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", "config", name);

    /// <summary>Loads a fixture from a directory holding its .secret, as the Python daemon's deployment had it.</summary>
    private HpcConfig Load(string name)
    {
        _dir.Write(".secret", Secret + "\n", ConfigTestSupport.OwnerOnly);
        var path = _dir.Write("config.yaml", File.ReadAllText(Fixture(name)));
        return HpcConfigLoader.LoadFile(path, ConfigTestSupport.Options(("EMX2_HPC_SECRET", Secret)));
    }

    private static IReadOnlyList<(string, string)> Deprecated(HpcConfig config) =>
        config.Deprecations.Select(d => (d.KeyPath, d.Replacement)).ToList();

    [Fact]
    public void First_generation_needs_only_the_container_entrypoint_that_replaced_raw_commands()
    {
        _dir.Write("config.yaml", File.ReadAllText(Fixture("gen1-inline-shared-secret.yaml")));
        var errors = Assert.Throws<ConfigException>(() =>
            HpcConfigLoader.LoadFile(Path.Combine(_dir.Path, "config.yaml"), ConfigTestSupport.Options(("EMX2_HPC_SECRET", Secret)))).Errors;
        var error = Assert.Single(errors);
        Assert.Contains("sif_image needs container_entrypoint", error.Message);
        Assert.Contains("parameters.command", error.Message);

        var fixedYaml = File.ReadAllText(Fixture("gen1-inline-shared-secret.yaml"))
            .Replace("    sif_image: /opt/images/embed.sif\n", "    sif_image: /opt/images/embed.sif\n    container_entrypoint: /usr/local/bin/embed\n");
        var config = HpcConfigLoader.LoadText(fixedYaml, "config.yaml", _dir.Path, ConfigTestSupport.Options(("EMX2_HPC_SECRET", Secret)));
        Assert.Equal(Secret, config.Emx2.Secret!.Value);
        Assert.Equal(["--gres=gpu:1"], config.Profiles.Single().SbatchArgs);
        Assert.Equal([("emx2.shared_secret", "worker_secret"), ("profiles.\"text-embedding:gpu-medium\".extra_args", "sbatch_args")], Deprecated(config));
    }

    [Fact]
    public void February_generation_maps_entrypoint_extra_args_artifact_residence_and_the_old_timeouts()
    {
        var config = Load("gen2-shared-secret-file.yaml");

        Assert.Equal(Secret, config.Emx2.Secret!.Value);
        Assert.Equal(Path.Combine(_dir.Path, ".secret"), config.Emx2.SecretFile);
        var profile = config.Profiles.Single();
        Assert.Equal("/opt/e2e/scripts/e2e_job.sh", profile.HostEntrypoint);
        Assert.Equal(["--exclusive"], profile.SbatchArgs);
        Assert.Equal((Residence.Posix, Residence.Posix), (profile.OutputResidence, profile.LogResidence));
        Assert.Equal(600, profile.SubmissionTimeoutSeconds);
        var p = "profiles.\"e2e-test:bash\"";
        Assert.Equal(
            [("emx2.shared_secret_file", "worker_secret_file"), ($"{p}.execution_timeout_seconds", "time"),
             ($"{p}.artifact_residence", "output_residence and log_residence"), ($"{p}.entrypoint", "host_entrypoint"),
             ($"{p}.extra_args", "sbatch_args"), ($"{p}.claim_timeout_seconds", "submission_timeout_seconds")],
            Deprecated(config));
        var claim = config.Deprecations.Single(d => d.KeyPath.EndsWith("claim_timeout_seconds", StringComparison.Ordinal));
        Assert.Equal(21, claim.Line);
        Assert.EndsWith($"config.yaml:21:5: {p}.claim_timeout_seconds is deprecated; use submission_timeout_seconds " +
                        "(now counted only until the job reaches Slurm; a job queued in Slurm is no longer failed by it)", claim.ToString());
    }

    [Fact]
    public void SQLite_generation_keeps_its_state_db_setting_and_residences()
    {
        var config = Load("gen3-sqlite-state.yaml");

        Assert.Equal(Path.Combine(_dir.Path, "state.db"), config.Worker.StateDb);
        Assert.Equal((120, 300), (config.Worker.HeartbeatIntervalSeconds, config.Worker.QueueReportIntervalSeconds));
        var profile = config.Profiles.Single();
        Assert.Equal((Residence.Posix, Residence.Managed), (profile.OutputResidence, profile.LogResidence));
        Assert.Empty(profile.SbatchArgs);
        Assert.Equal(4, config.Deprecations.Count);
    }

    [Fact]
    public void Sbatch_args_generation_warns_only_about_the_remaining_old_names()
    {
        var config = Load("gen4-sbatch-args.yaml");

        Assert.Equal(["--constraint=v100", "--exclusive"], config.Profiles.Single().SbatchArgs);
        Assert.Equal(["emx2.shared_secret_file", "profiles.\"e2e-test:slow\".entrypoint", "profiles.\"e2e-test:slow\".claim_timeout_seconds"],
            config.Deprecations.Select(d => d.KeyPath));
    }

    [Fact]
    public void Newest_generation_loads_without_deprecations_and_splits_colon_processors_on_the_last_colon()
    {
        var config = Load("gen5-worker-secret.yaml");

        Assert.Empty(config.Deprecations);
        var embed = config.FindProfile("text-embedding:v3", "gpu-medium");
        Assert.NotNull(embed);
        Assert.Equal("/usr/local/bin/embed", embed.ContainerEntrypoint);
        Assert.Equal("short", embed.EffectivePartition(config.Slurm));
        Assert.Equal("normal", config.FindProfile("e2e-test", "bash")!.EffectivePartition(config.Slurm));
    }

    [Theory]
    [InlineData("host_entrypoint: /a\n    entrypoint: /b", "entrypoint")]
    [InlineData("host_entrypoint: /a\n    sbatch_args: []\n    extra_args: []", "extra_args")]
    [InlineData("host_entrypoint: /a\n    submission_timeout_seconds: 1\n    claim_timeout_seconds: 2", "claim_timeout_seconds")]
    public void Old_and_new_name_together_is_an_error_naming_both(string lines, string oldKey)
    {
        var error = ConfigTestSupport.SingleError($"profiles:\n  \"a:b\":\n    {lines}\n");
        Assert.Equal($"profiles.\"a:b\".{oldKey}", error.KeyPath);
        Assert.Contains("keep only", error.Message);
    }

    [Fact]
    public void Check_says_what_changes_for_a_Python_era_configuration()
    {
        var config = Load("gen2-shared-secret-file.yaml");

        var results = TakeoverChecks.Run(config, ConfigTestSupport.Env()).ToList();

        Assert.Equal(6, results.Count(r => r.Name == "deprecated key"));
        var changes = results.Where(r => r.Name == "changed behaviour").Select(r => r.Detail).ToList();
        Assert.Contains(changes, c => c.StartsWith("profile e2e-test:bash sets no partition: its jobs now go to slurm.default_partition 'batch'", StringComparison.Ordinal));
        Assert.Contains(changes, c => c.Contains("emx2-<full EMX2 job id>", StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(CheckStatus.Warn, r.Status));
    }

    [Fact]
    public void Check_says_nothing_about_the_Python_daemon_for_a_current_configuration_on_a_machine_without_it()
    {
        var config = Load("gen5-worker-secret.yaml");
        Assert.Empty(TakeoverChecks.Run(config, ConfigTestSupport.Env(("HOME", _dir.Path))));
        var changes = TakeoverChecks.BehaviourChanges(config).ToList();
        Assert.Contains(changes, c => c.StartsWith("profile key 'text-embedding:v3:gpu-medium' is processor 'text-embedding:v3', profile 'gpu-medium'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_state_db_that_is_the_Python_tracker_fails_check_and_is_never_opened_as_ours()
    {
        var config = Load("gen3-sqlite-state.yaml");
        PythonTrackerFixture.Create(config.Worker.StateDb, []);
        var before = File.ReadAllBytes(config.Worker.StateDb);

        var failed = Assert.Single(TakeoverChecks.Run(config, ConfigTestSupport.Env()), r => r.Status == CheckStatus.Fail);
        Assert.Contains("the Python emx2-hpc-daemon's SQLite tracker", failed.Detail);
        var refused = Assert.Throws<InvalidOperationException>(() => StateStore.Open(config.Worker.StateDb));
        Assert.Contains("import-python-state --from", refused.Message);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(config.Worker.StateDb));
    }

    [Fact]
    public void The_oldest_TinyDB_state_file_is_recognised_and_left_alone()
    {
        var path = _dir.Write("state.json", "{\"_default\": {\"1\": {\"emx2_job_id\": \"x\"}}}");
        Assert.Equal("the Python emx2-hpc-daemon's TinyDB state file (JSON)", PythonStateFile.Identify(path));
        Assert.Throws<InvalidOperationException>(() => StateStore.Open(path));
        Assert.StartsWith("{\"_default\"", File.ReadAllText(path));
        using (var ours = StateStore.Open(Path.Combine(_dir.Path, "ours.db"))) { }
        Assert.Null(PythonStateFile.Identify(Path.Combine(_dir.Path, "ours.db")));
    }
}
