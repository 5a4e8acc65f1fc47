using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Scheduling;
using Xunit;
using static Emx2Hpc.Tests.Unit.Configuration.ConfigTestSupport;

namespace Emx2Hpc.Tests.Unit.Configuration;

public sealed class FullExampleTests : IDisposable
{
    private const string Secret = "0123456789abcdef0123456789abcdef-full";
    private readonly TempDir _dir = new();
    private readonly HpcConfig _config;

    public FullExampleTests()
    {
        // Git does not keep mode 600, so the fixture is copied next to a freshly created secret file.
        var configPath = _dir.Write("full.yaml", File.ReadAllText(FixturePath("full.yaml")));
        _dir.Write("worker.secret", Secret + "\n", OwnerOnly);
        _config = HpcConfigLoader.LoadFile(configPath, Options());
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Emx2_section()
    {
        Assert.Equal("https://emx2.example.org/molgenis/", _config.Emx2.BaseUrl.ToString());
        Assert.Equal("gearshift-worker-01", _config.Emx2.WorkerId);
        Assert.Equal(AuthMode.Hmac, _config.Emx2.AuthMode);
        Assert.Equal(Secret, _config.Emx2.Secret?.Value);
        Assert.Equal(Path.Combine(_dir.Path, "worker.secret"), _config.Emx2.SecretFile);
        Assert.Equal(Path.Combine(_dir.Path, "full.yaml"), _config.SourcePath);
    }

    [Fact]
    public void Worker_and_slurm_sections()
    {
        Assert.Equal(15, _config.Worker.PollIntervalSeconds);
        Assert.Equal(4, _config.Worker.MaxConcurrentJobs); // ${MAX_JOBS:-4}
        Assert.Equal(60, _config.Worker.HeartbeatIntervalSeconds);
        Assert.Equal(0, _config.Worker.QueueReportIntervalSeconds);
        Assert.Equal(Path.Combine(_dir.Path, "state", "worker.db"), _config.Worker.StateDb);
        Assert.Equal("regular", _config.Slurm.DefaultPartition);
        Assert.Equal("umcg-lab", _config.Slurm.DefaultAccount);
    }

    [Fact]
    public void Processor_containing_a_colon_is_split_on_the_last_slash()
    {
        var p = _config.FindProfile("text-embedding:v3", "gpu-medium");

        Assert.NotNull(p);
        Assert.Equal("text-embedding:v3/gpu-medium", p.Key);
        Assert.Equal(ExecutionMode.Apptainer, p.Mode);
        Assert.Equal("/apps/images/text-embedding-v3.sif", p.SifImage);
        Assert.Equal("/opt/embed/run.sh", p.ContainerEntrypoint);
        Assert.Null(p.HostEntrypoint);
        Assert.Equal("gpu", p.EffectivePartition(_config.Slurm));
        Assert.Equal("umcg-lab", p.EffectiveAccount(_config.Slurm));
        Assert.Equal("priority", p.Qos);
        Assert.Equal(8, p.Cpus);
        Assert.Equal("64G", p.Memory);
        Assert.Equal("1-00:00:00", p.Time);
        Assert.Equal("a100:2", p.Gpus);
        Assert.Equal(["--constraint=a100", "--exclusive"], p.SbatchArgs);
        Assert.Equal(Residence.Managed, p.OutputResidence);
        Assert.Equal(Residence.Posix, p.LogResidence);
        Assert.Equal(600, p.SubmissionTimeoutSeconds);
        Assert.Equal(new Dictionary<string, string> { ["HF_HOME"] = "/groups/umcg-lab/hf-cache", ["OMP_NUM_THREADS"] = "8" }, p.Environment);
    }

    [Fact]
    public void Host_profile_with_its_own_account_and_the_default_partition()
    {
        var p = _config.FindProfile("vcf-annotate", null);

        Assert.NotNull(p);
        Assert.Equal(ExecutionMode.Host, p.Mode);
        Assert.Equal("/apps/vcf-annotate/bin/annotate", p.HostEntrypoint);
        Assert.Null(p.Partition);
        Assert.Equal("regular", p.EffectivePartition(_config.Slurm));
        Assert.Equal("umcg-genetics", p.EffectiveAccount(_config.Slurm));
        Assert.Equal(2, p.Cpus);
        Assert.Equal("8G", p.Memory);
        Assert.Equal("04:00:00", p.Time);
    }

    [Fact]
    public void Explicit_processor_and_profile_fields_win_over_the_key()
    {
        var p = _config.FindProfile("tools/odd:v1", "cpu:small");

        Assert.NotNull(p);
        Assert.Equal("odd-name", p.Key);
        Assert.Equal("512M", p.Memory);
        Assert.Equal("30", p.Time);
        Assert.Equal(Residence.Posix, p.OutputResidence);
        Assert.Equal(3, _config.Profiles.Count);
    }

    [Fact]
    public void Apptainer_and_staging_sections()
    {
        Assert.Equal(["/groups/umcg-lab:/data:ro", "/scratch"], _config.Apptainer.BindPaths);
        Assert.Equal("/scratch/emx2-hpc/jobs", _config.Apptainer.TmpDir);
        Assert.Equal(["/groups/umcg-lab", "/scratch/shared"], _config.Staging.AllowedPosixRoots);
    }

    [Fact]
    public void Environment_variable_overrides_the_default_in_the_fixture()
    {
        var config = HpcConfigLoader.LoadFile(Path.Combine(_dir.Path, "full.yaml"), Options(("MAX_JOBS", "16")));
        Assert.Equal(16, config.Worker.MaxConcurrentJobs);
    }

    [Fact]
    public void Summary_describes_every_profile_without_the_secret()
    {
        var lines = _config.Describe();
        var text = string.Join("\n", lines);

        Assert.Contains("emx2 base url: https://emx2.example.org/molgenis/", lines);
        Assert.Contains("worker id: gearshift-worker-01", lines);
        Assert.Contains("auth mode: hmac", lines);
        Assert.Contains($"secret: configured, from file {Path.Combine(_dir.Path, "worker.secret")}", lines);
        Assert.Contains($"state db: {Path.Combine(_dir.Path, "state", "worker.db")}", lines);
        Assert.Contains("  text-embedding:v3:gpu-medium → apptainer /apps/images/text-embedding-v3.sif /opt/embed/run.sh "
                        + "(gpu, 8 cpu, 64G, 1-00:00:00, gpus=a100:2, account=umcg-lab, qos=priority, output=managed, log=posix)", lines);
        Assert.Contains("  vcf-annotate:default → host /apps/vcf-annotate/bin/annotate "
                        + "(regular, 2 cpu, 8G, 04:00:00, account=umcg-genetics, output=managed, log=managed)", lines);
        Assert.DoesNotContain(Secret, text);
    }
}
