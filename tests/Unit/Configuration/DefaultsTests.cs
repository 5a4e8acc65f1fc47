using Emx2Hpc.Core.Configuration;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public class DefaultsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n...\n")]
    [InlineData("emx2:\nworker:\nslurm:\nprofiles:\napptainer:\nstaging:\n")]
    [InlineData("emx2: ~\nprofiles: {}\n")]
    public void Empty_input_yields_every_default(string yaml)
    {
        var config = Load(yaml);

        Assert.Equal(new Uri("http://localhost:8080/"), config.Emx2.BaseUrl);
        Assert.Equal("hpc-daemon-01", config.Emx2.WorkerId);
        Assert.Equal(AuthMode.Hmac, config.Emx2.AuthMode);
        Assert.Null(config.Emx2.Secret);
        Assert.Null(config.Emx2.SecretFile);
        Assert.Equal(30, config.Worker.PollIntervalSeconds);
        Assert.Equal(10, config.Worker.MaxConcurrentJobs);
        Assert.Equal(120, config.Worker.HeartbeatIntervalSeconds);
        Assert.Equal(300, config.Worker.QueueReportIntervalSeconds);
        Assert.Equal("/var/lib/emx2-hpc/hpc-daemon-01/state.db", config.Worker.StateDb);
        Assert.Equal("normal", config.Slurm.DefaultPartition);
        Assert.Null(config.Slurm.DefaultAccount);
        Assert.Empty(config.Profiles);
        Assert.Empty(config.Apptainer.BindPaths);
        // The jobs root lives next to the state database (owned, private), no longer in a shared /tmp.
        Assert.Equal("/var/lib/emx2-hpc/hpc-daemon-01/jobs", config.Apptainer.TmpDir);
        Assert.Equal(72, config.Worker.JobRetentionHours);
        Assert.Equal(Emx2Hpc.Core.Staging.OutputLimits.DefaultMaxFiles, config.Staging.MaxOutputFiles);
        Assert.Empty(config.Staging.AllowedPosixRoots);
        Assert.Equal(Source, config.SourcePath);
    }

    [Fact]
    public void Profile_defaults_leave_partition_and_account_to_the_slurm_section()
    {
        var config = Load("slurm:\n  default_partition: short\n  default_account: lab\nprofiles:\n" + HostProfile("p:default"));
        var profile = Assert.Single(config.Profiles);

        Assert.Null(profile.Partition);
        Assert.Null(profile.Account);
        Assert.Equal("short", profile.EffectivePartition(config.Slurm));
        Assert.Equal("lab", profile.EffectiveAccount(config.Slurm));
        Assert.Null(profile.Qos);
        Assert.Equal(4, profile.Cpus);
        Assert.Equal("16G", profile.Memory);
        Assert.Equal("01:00:00", profile.Time);
        Assert.Null(profile.Gpus);
        Assert.Empty(profile.SbatchArgs);
        Assert.Equal(Residence.Managed, profile.OutputResidence);
        Assert.Equal(Residence.Managed, profile.LogResidence);
        Assert.Equal(300, profile.SubmissionTimeoutSeconds);
        Assert.Empty(profile.Environment);
    }

    [Fact]
    public void Default_state_db_is_per_worker_id()
    {
        var a = Load("emx2:\n  worker_id: worker-a\n");
        var b = Load("emx2:\n  worker_id: worker-b\n");

        Assert.Equal("/var/lib/emx2-hpc/worker-a/state.db", a.Worker.StateDb);
        Assert.Equal("/var/lib/emx2-hpc/worker-b/state.db", b.Worker.StateDb);
    }

    /// <summary>cron, sudo and an interactive shell differ in HOME and XDG_STATE_HOME; a default derived from them gave
    /// one worker id several state databases (two instances taking each other's jobs for leftovers).</summary>
    [Theory]
    [InlineData("XDG_STATE_HOME", "/var/state")]
    [InlineData("XDG_STATE_HOME", "relative/state")]
    [InlineData("HOME", "/root")]
    public void Default_state_db_is_the_same_whatever_HOME_or_XDG_STATE_HOME_say(string variable, string value)
    {
        var config = Load("emx2:\n  worker_id: w1\n", (variable, value));
        Assert.Equal("/var/lib/emx2-hpc/w1/state.db", config.Worker.StateDb);
        Assert.Equal("/var/lib/emx2-hpc/instances", config.Worker.InstanceRegistry);
    }

    [Theory]
    [InlineData("a/b", "a_b")]
    [InlineData("..", "_")]
    [InlineData("node 1", "node_1")]
    [InlineData("gpu.node-01_x", "gpu.node-01_x")]
    public void Worker_id_becomes_one_safe_directory_name(string workerId, string directory)
    {
        var path = WorkerSettings.DefaultStateDbPath(workerId);
        Assert.Equal($"/var/lib/emx2-hpc/{directory}/state.db", path);
    }

    [Fact]
    public void Relative_state_db_resolves_against_the_config_directory()
    {
        var config = Load("worker:\n  state_db: data/state.db\n");
        Assert.Equal("/etc/emx2-hpc/data/state.db", config.Worker.StateDb);
    }

    [Fact]
    public void Blank_state_db_means_the_default_like_the_python_daemon()
    {
        var config = Load("emx2:\n  worker_id: w9\nworker:\n  state_db: \"\"\n");
        Assert.Equal("/var/lib/emx2-hpc/w9/state.db", config.Worker.StateDb);
    }

    [Fact]
    public void Relative_tmp_dir_resolves_against_the_config_directory()
    {
        var config = Load("apptainer:\n  tmp_dir: jobs\n");
        Assert.Equal("/etc/emx2-hpc/jobs", config.Apptainer.TmpDir);
    }

    [Fact]
    public void Base_url_gets_a_trailing_slash_so_api_paths_stay_under_its_prefix()
    {
        var config = Load("emx2:\n  base_url: https://host.example/emx2\n");
        Assert.Equal("https://host.example/emx2/", config.Emx2.BaseUrl.ToString());
        Assert.Equal("https://host.example/emx2/api/hpc/jobs", new Uri(config.Emx2.BaseUrl, "api/hpc/jobs").ToString());
    }

    [Fact]
    public void Code_built_config_has_the_same_defaults_and_is_valid()
    {
        var config = new HpcConfig();
        Assert.Equal("normal", config.Slurm.DefaultPartition);
        Assert.Equal(10, config.Worker.MaxConcurrentJobs);
        Assert.Empty(HpcConfigValidator.Validate(config));
    }
}
