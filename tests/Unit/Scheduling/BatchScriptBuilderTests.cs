using Xunit;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;

namespace Emx2Hpc.Tests.Unit.Scheduling;

public class BatchScriptBuilderTests
{
    private const string Root = "/scratch/jobs";

    private static string[] Lines(string script) => script.Split('\n');

    private static string[] Directives(string script) => Lines(script).Where(l => l.StartsWith("#SBATCH ")).ToArray();

    [Fact]
    public void Host_script_has_the_directives_in_order()
    {
        var spec = Specs.Host(Root) with
        {
            Resources = new ResourceSpec
            {
                Partition = "gpu", Account = "lab", Qos = "high", Cpus = 4, Memory = "16G", Time = "2-00:00:00",
                Gpus = "a100:2", ExtraArgs = ["--constraint=avx2", "--nodes 1"],
            },
        };
        var dir = $"{Root}/{Specs.JobId}";
        Assert.Equal(
        [
            $"#SBATCH --job-name=emx2-{Specs.JobId}",
            $"#SBATCH --comment=emx2hpc:{Specs.JobId}",
            "#SBATCH --partition=gpu",
            "#SBATCH --account=lab",
            "#SBATCH --qos=high",
            "#SBATCH --cpus-per-task=4",
            "#SBATCH --mem=16G",
            "#SBATCH --time=2-00:00:00",
            "#SBATCH --gres=gpu:a100:2",
            "#SBATCH --constraint=avx2",
            "#SBATCH --nodes 1",
            $"#SBATCH --chdir={dir}/work",
            $"#SBATCH --output={dir}/output/slurm-%j.out",
            $"#SBATCH --error={dir}/output/slurm-%j.err",
            "#SBATCH --export=NONE",
        ], Directives(BatchScriptBuilder.Build(spec)));
    }

    [Fact]
    public void Script_starts_with_bash_and_strict_mode_follows_the_directives()
    {
        var lines = Lines(BatchScriptBuilder.Build(Specs.Host(Root)));
        Assert.Equal("#!/bin/bash", lines[0]);
        var strict = Array.IndexOf(lines, "set -euo pipefail");
        Assert.True(strict > Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH")));
    }

    [Fact]
    public void Optional_resources_are_omitted_when_absent()
    {
        var spec = Specs.Host(Root) with { Resources = new ResourceSpec { Partition = " ", Gpus = "0" } };
        var directives = Directives(BatchScriptBuilder.Build(spec));
        Assert.DoesNotContain(directives, d => d.Contains("--partition") || d.Contains("--mem") || d.Contains("--time")
                                               || d.Contains("--gres") || d.Contains("--account") || d.Contains("--qos"));
        Assert.Contains("#SBATCH --cpus-per-task=1", directives);
    }

    [Theory]
    [InlineData("2", "gpu:2")]
    [InlineData("a100:1", "gpu:a100:1")]
    [InlineData("gpu:h100:8", "gpu:h100:8")]
    public void Gpus_become_gres(string gpus, string gres)
    {
        var spec = Specs.Host(Root) with { Resources = new ResourceSpec { Gpus = gpus } };
        Assert.Contains($"#SBATCH --gres={gres}", Directives(BatchScriptBuilder.Build(spec)));
    }

    [Fact]
    public void Host_body_exports_quoted_values_changes_directory_and_execs()
    {
        var spec = Specs.Host(Root) with
        {
            Args = ["--in", "it's"],
            Environment = new Dictionary<string, string> { ["ZED"] = "z", ["ALPHA"] = "say \"hi\"" },
            ParametersJson = "{\"args\":[\"--in\",\"it's\"]}",
        };
        var dir = $"{Root}/{Specs.JobId}";
        var lines = Lines(BatchScriptBuilder.Build(spec));
        var tail = lines.SkipWhile(l => !l.StartsWith("export ")).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(
        [
            $"export HPC_JOB_ID='{Specs.JobId}'",
            $"export HPC_INPUT_DIR='{dir}/input'",
            $"export HPC_OUTPUT_DIR='{dir}/output'",
            $"export HPC_WORK_DIR='{dir}/work'",
            "export HPC_PARAMETERS='{\"args\":[\"--in\",\"it'\\''s\"]}'",
            "export ALPHA='say \"hi\"'",
            "export ZED='z'",
            $"cd -- '{dir}/work'",
            "exec '/opt/tools/run.sh' '--in' 'it'\\''s'",
        ], tail);
    }

    [Fact]
    public void Apptainer_body_binds_fixed_mounts_passes_HPC_variables_and_keeps_the_exit_code()
    {
        var spec = Specs.Apptainer(Root) with { Args = ["a b"], Environment = new Dictionary<string, string> { ["K"] = "v,w=x" } };
        var dir = $"{Root}/{Specs.JobId}";
        var script = BatchScriptBuilder.Build(spec);
        var run = Lines(script).Single(l => l.StartsWith("apptainer "));
        Assert.Equal(
            "apptainer 'exec' '--containall' '--cleanenv' '--no-home' '--no-mount' 'cwd' '--bind' "
            + $"'{dir}/input:/input:ro,{dir}/output:/output,{dir}/work:/work,/data/reference:/reference:ro' '--pwd' '/work' "
            + $"'--env' 'HPC_JOB_ID={Specs.JobId}' '--env' 'HPC_INPUT_DIR=/input' '--env' 'HPC_OUTPUT_DIR=/output' "
            + "'--env' 'HPC_WORK_DIR=/work' --env-file \"$env_file\" '/images/tool.sif' '/app/run' 'a b' "
            + "> \"$stdout_log\" 2> \"$stderr_log\" || status=$?", run);
        Assert.Contains($"stdout_log='{dir}/output/container-stdout.log'", script);
        Assert.Contains($"stderr_log='{dir}/output/container-stderr.log'", script);
        Assert.Contains($"env_file='{dir}/container.env'", script);
        Assert.Contains("(umask 077 && printf '%s\\n' 'export HPC_PARAMETERS='\\''{}'\\''' 'export K='\\''v,w=x'\\''' > \"$env_file\")", script);
        Assert.Contains("tail -n 20 -- \"$stderr_log\" >&2", script);
        Assert.EndsWith("exit \"$status\"\n", script);
    }

    [Fact]
    public void Job_id_is_the_full_uuid_in_name_and_comment()
    {
        var directives = Directives(BatchScriptBuilder.Build(Specs.Host(Root)));
        Assert.Equal(Specs.JobId, JobTag.TryParse(directives[0]["#SBATCH --job-name=".Length..]));
        Assert.Equal(Specs.JobId, JobTag.TryParse(directives[1]["#SBATCH --comment=".Length..]));
    }

    [Theory]
    [InlineData("$(rm -rf /)")]
    [InlineData("'; touch /tmp/pwned; '")]
    [InlineData("`id`")]
    [InlineData("line1\nline2")]
    [InlineData("a\r\nb")]
    public void Hostile_args_appear_only_inside_single_quotes(string hostile)
    {
        var script = BatchScriptBuilder.Build(Specs.Host(Root) with { Args = [hostile] });
        Assert.Contains("exec '/opt/tools/run.sh' " + PosixShell.Quote(hostile) + "\n", script);
        Assert.DoesNotContain("#SBATCH " + hostile, script);
    }

    [Theory]
    [InlineData("part ition", "resources.partition")]
    [InlineData("debug\n#SBATCH --export=ALL", "resources.partition")]
    [InlineData("a'b", "resources.partition")]
    [InlineData("a#b", "resources.partition")]
    public void Odd_partition_values_are_rejected_by_field(string partition, string field)
    {
        var spec = Specs.Host(Root) with { Resources = new ResourceSpec { Partition = partition } };
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec));
        Assert.StartsWith(field + ":", ex.Message);
    }

    [Theory]
    [InlineData("mem", "4 G", "resources.memory")]
    [InlineData("time", "1:00\r", "resources.time")]
    [InlineData("account", "a\"b", "resources.account")]
    [InlineData("qos", "q\\x", "resources.qos")]
    [InlineData("gpus", "two", "resources.gpus")]
    public void Other_directive_values_are_rejected_by_field(string which, string value, string field)
    {
        var r = which switch
        {
            "mem" => new ResourceSpec { Memory = value },
            "time" => new ResourceSpec { Time = value },
            "account" => new ResourceSpec { Account = value },
            "qos" => new ResourceSpec { Qos = value },
            _ => new ResourceSpec { Gpus = value },
        };
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(Specs.Host(Root) with { Resources = r }));
        Assert.StartsWith(field + ":", ex.Message);
    }

    [Fact]
    public void Zero_cpus_is_rejected()
    {
        var spec = Specs.Host(Root) with { Resources = new ResourceSpec { Cpus = 0 } };
        Assert.StartsWith("resources.cpus:", Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec)).Message);
    }

    [Theory]
    [InlineData("/scratch/100%/jobs", "'%'")]
    [InlineData("/scratch/my jobs", "whitespace")]
    [InlineData("relative/jobs", "absolute")]
    public void Job_directories_must_be_plain_absolute_paths(string root, string problem)
    {
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(Specs.Host(root)));
        Assert.StartsWith("directories.root:", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Container_directories_must_not_contain_bind_separators()
    {
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(Specs.Apptainer("/scratch/a,b")));
        Assert.Contains("apptainer --bind", ex.Message);
        // The same path is fine for a host job: only the bind list cares.
        BatchScriptBuilder.Build(Specs.Host("/scratch/a,b"));
    }

    [Theory]
    [InlineData("--export=ALL", "--export")]
    [InlineData("--job-name=x", "--job-name")]
    [InlineData("-J x", "-J")]
    [InlineData("--output=/tmp/x", "--output")]
    [InlineData("-o/tmp/x", "-o")]
    [InlineData("--array=1-3", "--array")]
    [InlineData("--chdir=/", "--chdir")]
    public void Extra_args_may_not_override_owned_directives(string extra, string owned)
    {
        var spec = Specs.Host(Root) with { Resources = new ResourceSpec { ExtraArgs = [extra] } };
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec));
        Assert.Equal($"resources.extra_args[0]: sets {owned}, which emx2-hpc controls itself", ex.Message);
    }

    [Theory]
    [InlineData("--mail-user=a@b\n#SBATCH --export=ALL")]
    [InlineData("nodes=2")]
    [InlineData("--comment=\"x\"")]
    [InlineData("")]
    public void Extra_args_must_be_single_plain_option_lines(string extra)
    {
        var spec = Specs.Host(Root) with { Resources = new ResourceSpec { ExtraArgs = [extra] } };
        Assert.StartsWith("resources.extra_args[0]:", Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec)).Message);
    }

    [Theory]
    [InlineData("A B", "invalid variable name 'A B'")]
    [InlineData("1X", "invalid variable name")]
    [InlineData("HPC_JOB_ID", "reserved")]
    [InlineData("SLURM_JOB_ID", "reserved")]
    [InlineData("PATH", "reserved")]
    [InlineData("LD_PRELOAD", "reserved")]
    public void Environment_names_are_validated(string name, string problem)
    {
        var spec = Specs.Host(Root) with { Environment = new Dictionary<string, string> { [name] = "x" } };
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec));
        Assert.StartsWith("environment:", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void NUL_anywhere_is_rejected_by_field()
    {
        Assert.StartsWith("args[1]:", Assert.Throws<JobRejectedException>(() =>
            BatchScriptBuilder.Build(Specs.Host(Root) with { Args = ["ok", "a\0b"] })).Message);
        Assert.StartsWith("environment.K:", Assert.Throws<JobRejectedException>(() =>
            BatchScriptBuilder.Build(Specs.Host(Root) with { Environment = new Dictionary<string, string> { ["K"] = "\0" } })).Message);
        Assert.StartsWith("execution.host_entrypoint:", Assert.Throws<JobRejectedException>(() =>
            BatchScriptBuilder.Build(Specs.Host(Root, entrypoint: "/bin/x\0"))).Message);
        Assert.StartsWith("parameters:", Assert.Throws<JobRejectedException>(() =>
            BatchScriptBuilder.Build(Specs.Host(Root) with { ParametersJson = "{\0}" })).Message);
    }

    [Fact]
    public void Job_id_must_be_a_uuid()
    {
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(Specs.Host(Root, jobId: "x; rm -rf /")));
        Assert.StartsWith("emx2_job_id:", ex.Message);
    }

    [Fact]
    public void Mode_specific_fields_are_required()
    {
        Assert.StartsWith("execution.host_entrypoint:", Assert.Throws<JobRejectedException>(() =>
            BatchScriptBuilder.Build(Specs.Host(Root, entrypoint: " "))).Message);
        var noImage = Specs.Apptainer(Root) with { Execution = new ExecutionSpec { Mode = ExecutionMode.Apptainer, ContainerEntrypoint = "/x" } };
        Assert.StartsWith("execution.sif_image:", Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(noImage)).Message);
        var noEntry = Specs.Apptainer(Root) with { Execution = new ExecutionSpec { Mode = ExecutionMode.Apptainer, SifImage = "/x.sif" } };
        Assert.StartsWith("execution.container_entrypoint:", Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(noEntry)).Message);
        var badBind = Specs.Apptainer(Root) with
        {
            Execution = Specs.Apptainer(Root).Execution with { BindPaths = ["/a:/b,/etc:/x"] },
        };
        Assert.StartsWith("execution.bind_paths[0]:", Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(badBind)).Message);
    }

    [Fact]
    public void Build_is_deterministic()
    {
        var spec = Specs.Host(Root) with { Environment = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" } };
        Assert.Equal(BatchScriptBuilder.Build(spec), BatchScriptBuilder.Build(spec));
    }
}
