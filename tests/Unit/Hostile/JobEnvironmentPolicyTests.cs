using System.Text.Json;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Cycle;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>A job's environment is default-deny: it may set only the names its profile lists in
/// <c>allowed_environment</c>. The attacks below each ran code through a harmless <c>#!/usr/bin/env python3</c> (or
/// Perl, Java, R, bash, glibc, OpenSSL) entrypoint when only a fixed list of names was refused.</summary>
[Collection(HostileCollection.Name)]
public sealed class JobEnvironmentPolicyTests
{
    private const string Area = "job environment (default-deny)";
    private const string JobId = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

    /// <summary>Variables that turn a job's "settings" into code execution in common entrypoints; none is in the list
    /// of names refused from any source, so only the profile allowlist stops them.</summary>
    public static readonly IReadOnlyDictionary<string, Dictionary<string, string>> Attacks = new Dictionary<string, Dictionary<string, string>>
    {
        ["PYTHONWARNINGS + BROWSER (python runs a command)"] = new() { ["PYTHONWARNINGS"] = "ignore::antigravity.x", ["BROWSER"] = "sh -c 'touch /tmp/pwned'" },
        ["PYTHONUSERBASE into the input directory"] = new() { ["PYTHONUSERBASE"] = "../input/x" },
        ["HOME into the input directory (.pythonrc, .bashrc, .Rprofile)"] = new() { ["HOME"] = "../input/y" },
        ["PERL5OPT"] = new() { ["PERL5OPT"] = "-Mx;system('id')" },
        ["BASH_ENV"] = new() { ["BASH_ENV"] = "/tmp/evil.sh" },
        ["GCONV_PATH"] = new() { ["GCONV_PATH"] = "../input/gconv" },
        ["OPENSSL_CONF"] = new() { ["OPENSSL_CONF"] = "../input/openssl.cnf" },
        ["JAVA_TOOL_OPTIONS"] = new() { ["JAVA_TOOL_OPTIONS"] = "-javaagent:../input/a.jar" },
        ["R_PROFILE_USER"] = new() { ["R_PROFILE_USER"] = "../input/.Rprofile" },
        ["SBATCH_EXPORT"] = new() { ["SBATCH_EXPORT"] = "ALL" },
        ["SBATCH_ACCOUNT"] = new() { ["SBATCH_ACCOUNT"] = "someone-else" },
        ["PYTHONSTARTUP"] = new() { ["PYTHONSTARTUP"] = "../input/s.py" },
        ["NODE_OPTIONS"] = new() { ["NODE_OPTIONS"] = "--require ../input/x.js" },
        ["GIT_SSH_COMMAND"] = new() { ["GIT_SSH_COMMAND"] = "touch /tmp/pwned" },
    };

    public static TheoryData<string> AttackNames => new(Attacks.Keys);

    private static ProfileConfig Profile(IReadOnlyList<string>? allowed = null, IReadOnlyDictionary<string, string>? environment = null) => new()
    {
        Key = "tool:cpu", Processor = "tool", Profile = "cpu", HostEntrypoint = "/opt/tool/run.py",
        AllowedEnvironment = allowed ?? [], Environment = environment ?? new Dictionary<string, string>(),
    };

    private static BatchJobSpec Build(ProfileConfig profile, object parameters) =>
        SpecBuilder.Build(new HpcConfig { Profiles = [profile] }, profile, JobId, JobDirectories.For("/scratch/jobs", JobId),
            JobParameters.Parse(JsonSerializer.SerializeToElement(parameters)));

    private static Exception Refusal(ProfileConfig profile, object parameters)
    {
        try
        {
            // Both gates a job passes on its way to the script: parameter parsing and the profile's policy.
            Build(profile, parameters);
        }
        catch (JobRejectedException ex)
        {
            return ex;
        }
        throw new Xunit.Sdk.XunitException("the job's environment was accepted");
    }

    [Theory]
    [MemberData(nameof(AttackNames))]
    public void Attack_is_refused_with_the_variable_named(string name) => HostileLedger.Run(Area, name, () =>
    {
        var variables = Attacks[name];
        // With the default (empty) allowlist, and with an allowlist for the tool's own prefix.
        foreach (var profile in new[] { Profile(), Profile(["TOOL_*", "THREADS"]) })
        {
            var ex = Refusal(profile, new { environment = variables });
            Assert.Contains("parameters.environment", ex.Message);
            Assert.True(variables.Keys.Any(v => ex.Message.Contains($"'{v}'", StringComparison.Ordinal)), ex.Message);
        }
        return Verdict.Refused;
    });

    [Fact]
    public void Empty_allowlist_lets_a_job_set_nothing() => HostileLedger.Run(Area, "harmless-looking name, empty allowlist", () =>
    {
        var ex = Refusal(Profile(), new { environment = new { THREADS = "4" } });
        Assert.Equal("parameters.environment.THREADS: variable 'THREADS' is not allowed: profile tool:cpu lets jobs set no environment variables " +
                     "(allowed_environment is empty)", ex.Message);
        return Verdict.Refused;
    });

    [Fact]
    public void Allowed_names_pass_and_profile_values_win() => HostileLedger.Run(Area, "job value for a name the profile sets", () =>
    {
        var profile = Profile(["TOOL_*", "THREADS"], new Dictionary<string, string> { ["TOOL_MODE"] = "safe" });
        var spec = Build(profile, new { environment = new { TOOL_MODE = "evil", TOOL_LEVEL = 3, THREADS = "8" } });
        Assert.Equal(new Dictionary<string, string> { ["TOOL_MODE"] = "safe", ["TOOL_LEVEL"] = "3", ["THREADS"] = "8" }, spec.Environment);
        var script = BatchScriptBuilder.Build(spec);
        Assert.Contains("export TOOL_MODE='safe'", script);
        Assert.DoesNotContain("export TOOL_MODE='evil'", script); // (HPC_PARAMETERS still carries the job's parameters as JSON)
        // Only the HPC_* contract and these three are exported.
        var exported = script.Split('\n').Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..l.IndexOf('=')]).ToList();
        Assert.Equal(["HPC_JOB_ID", "HPC_INPUT_DIR", "HPC_OUTPUT_DIR", "HPC_WORK_DIR", "HPC_PARAMETERS", "THREADS", "TOOL_LEVEL", "TOOL_MODE"], exported);
        return Verdict.Contained;
    });

    [Theory]
    [InlineData("line break", "a\nb", "line break")]
    [InlineData("carriage return", "a\rb", "line break")]
    [InlineData("17 KiB value", null, "at most 16 KiB")]
    public void Allowed_name_with_an_unfit_value_is_refused(string name, string? value, string reason) => HostileLedger.Run(Area, $"allowed name, {name}", () =>
    {
        var ex = Refusal(Profile(["TOOL_*"]), new { environment = new Dictionary<string, string> { ["TOOL_X"] = value ?? new string('v', 17 * 1024) } });
        Hostile.AssertNames(ex, "parameters.environment.TOOL_X", reason);
        return Verdict.Refused;
    });

    [Theory]
    [InlineData("*", "not a variable name or a PREFIX_* pattern")]
    [InlineData("P*", "not a variable name or a PREFIX_* pattern")]
    [InlineData("SLURM_*", "scheduler owns")]
    [InlineData("SLURM_CPU_*", "scheduler owns")]
    [InlineData("HPC_*", "scheduler owns")]
    [InlineData("LD_*", "scheduler owns")]
    [InlineData("PATH", "reserved")]
    [InlineData("A-B", "not a variable name")]
    public void Profile_allowlist_entries_are_checked_at_load(string pattern, string reason) => HostileLedger.Run(Area, $"allowed_environment entry '{pattern}'", () =>
    {
        var errors = HpcConfigValidator.Validate(new HpcConfig { Profiles = [Profile([pattern])] });
        var error = Assert.Single(errors);
        Assert.Contains("allowed_environment[0]", error.ToString());
        Assert.Contains(reason, error.ToString());
        return Verdict.Refused;
    });
}
