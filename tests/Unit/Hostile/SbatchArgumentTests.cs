using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>sbatch reads its options with getopt_long: abbreviations, '=' or a separate value, short forms and
/// clustered short flags all set the same option. The config check and the script builder share one owned-option
/// list and one reading of it, so neither lets an abbreviation of an option emx2-hpc owns through.</summary>
[Collection(HostileCollection.Name)]
public sealed class SbatchArgumentTests
{
    private const string Area = "sbatch_args owned options";

    public static TheoryData<string, string> Owned => new()
    {
        { "--arr=0-99", "--array" },
        { "--export-fil=/etc/env", "--export-file" },
        { "--export-file=/etc/env", "--export-file" },
        { "--exp=ALL", "--export" },
        { "--array 0-9", "--array" },
        { "--ou=/tmp/x", "--output" },
        { "--get-user-env", "--get-user-env" },
        { "--get-u", "--get-user-env" },
        { "-a 1-3", "-a" },
        { "-vJname", "-J" },
        { "-W", "-W" },
        { "-Mother-cluster", "-M" },
        { "--clusters=other", "--clusters" },
        { "--wait", "--wait" },
        { "--test-only", "--test-only" },
        { "--exclusive --job-name=x", "--job-name" },
    };

    [Theory]
    [MemberData(nameof(Owned))]
    public void Owned_option_is_refused_by_config_and_script_alike(string argument, string owned) => HostileLedger.Run(Area, $"'{argument}'", () =>
    {
        var profile = new ProfileConfig
        {
            Key = "tool:cpu", Processor = "tool", Profile = "cpu", HostEntrypoint = "/opt/run", SbatchArgs = [argument],
        };
        var error = Assert.Single(HpcConfigValidator.Validate(new HpcConfig { Profiles = [profile] }));
        Assert.Contains($"sets {owned}, which the daemon controls", error.Message);

        var spec = new BatchJobSpec
        {
            Emx2JobId = "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
            Directories = JobDirectories.For("/scratch/jobs", "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b"),
            Execution = new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = "/opt/run" },
            Resources = new ResourceSpec { ExtraArgs = [argument] },
        };
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec));
        Assert.Equal($"resources.extra_args[0]: sets {owned}, which emx2-hpc controls itself", ex.Message);
        return Verdict.Refused;
    });

    [Theory]
    [InlineData("--exclusive")]
    [InlineData("--mem-per-cpu=2G")]
    [InlineData("--wait-all-nodes=1")] // an exact option name, not an abbreviation of --wait
    [InlineData("--gres=gpu:1")]
    [InlineData("--constraint=avx2")]
    public void Options_emx2_hpc_does_not_own_still_pass(string argument) => HostileLedger.Run(Area, $"'{argument}' (not owned)", () =>
    {
        Assert.Null(SbatchOwnedOptions.OwnedBy(argument));
        Assert.Empty(HpcConfigValidator.Validate(new HpcConfig
        {
            Profiles = [new ProfileConfig { Key = "t:c", Processor = "t", Profile = "c", HostEntrypoint = "/opt/run", SbatchArgs = [argument] }],
        }));
        return Verdict.Contained;
    });
}
