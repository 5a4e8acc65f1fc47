using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>Runs generated scripts with the real bash: hostile job data must arrive at the entrypoint byte-exact
/// and nothing in it may execute.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BatchScriptExecutionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string Canary => _temp.Combine("pwned");

    public void Dispose() => _temp.Dispose();

    private string[] HostileValues() =>
    [
        $"$(touch {Canary})",
        $"`touch {Canary}`",
        $"'; touch {Canary}; '",
        $"\"; touch {Canary}; \"",
        $"a\nb; touch {Canary}",
        "",
        " leading and trailing ",
        "back\\slash \\n",
        "$HOME ${PATH} $0",
        "*",
        "-n",
        "ünïcødé ✓",
        "tab\tand\r\ncrlf",
    ];

    private JobParameters HostileParameters()
    {
        var hostile = HostileValues();
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["args"] = hostile.Cast<object>().Concat([42, 1.5e3, true, false]).ToArray(),
            ["environment"] = hostile.Select((v, i) => (v, i)).ToDictionary(p => $"VALUE_{p.i}", p => (object)p.v),
            ["note"] = "it's \"quoted\"",
        });
        return JobParameters.Parse(JsonDocument.Parse(json).RootElement);
    }

    private BatchJobSpec HostSpec(string entrypoint)
    {
        var p = HostileParameters();
        return Specs.Host(_temp.Combine("jobs"), entrypoint) with { Args = p.Args, Environment = p.Environment, ParametersJson = p.ParametersJson };
    }

    private static string WriteScript(BatchJobSpec spec)
    {
        spec.Directories.Create();
        File.WriteAllText(spec.Directories.ScriptPath, BatchScriptBuilder.Build(spec));
        return spec.Directories.ScriptPath;
    }

    [Fact]
    public async Task Generated_scripts_pass_bash_syntax_check_in_both_modes()
    {
        var p = HostileParameters();
        foreach (var spec in new[] { HostSpec("/bin/true"), Specs.Apptainer(_temp.Combine("jobs2")) with { Args = p.Args, Environment = p.Environment, ParametersJson = p.ParametersJson } })
        {
            var path = WriteScript(spec);
            var result = await new Emx2Hpc.Core.Scheduling.Processes.ProcessRunner().RunAsync(
                new("bash", ["-n", path], TimeSpan.FromSeconds(30)), CancellationToken.None);
            Assert.True(result.ExitCode == 0, result.Stderr);
        }
    }

    [Fact]
    public async Task Host_mode_delivers_args_environment_and_parameters_byte_exact_without_executing_anything()
    {
        var dump = _temp.Combine("dump");
        var spec = HostSpec(ScriptTools.WriteDumpEntrypoint(_temp.Combine("bin", "entry.sh"), dump));
        var result = await ScriptTools.RunBashAsync(WriteScript(spec));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(spec.Args, ScriptTools.ReadArgs(dump));
        Assert.Equal([.. HostileValues(), "42", "1500", "true", "false"], ScriptTools.ReadArgs(dump));
        var env = ScriptTools.ReadEnv(dump);
        foreach (var (name, value) in spec.Environment) Assert.Equal(value, env[name]);
        Assert.Equal(spec.ParametersJson, env["HPC_PARAMETERS"]);
        Assert.Equal(Specs.JobId, env["HPC_JOB_ID"]);
        Assert.Equal(spec.Directories.Input, env["HPC_INPUT_DIR"]);
        Assert.Equal(spec.Directories.Output, env["HPC_OUTPUT_DIR"]);
        Assert.Equal(spec.Directories.Work, env["HPC_WORK_DIR"]);
        Assert.Equal(spec.Directories.Work, File.ReadAllText(Path.Combine(dump, "pwd")).TrimEnd('\n'));
        Assert.False(File.Exists(Canary), "hostile job data was executed");
        Assert.Contains($"emx2-hpc: EMX2 job {Specs.JobId}", result.Stdout);
    }

    [Fact]
    public async Task Apptainer_mode_passes_values_intact_through_env_file_and_reports_container_failure()
    {
        var dump = _temp.Combine("dump");
        var entry = ScriptTools.WriteDumpEntrypoint(_temp.Combine("bin", "entry.sh"), dump);
        var fakeBin = _temp.Combine("fakebin");
        var argvLog = _temp.Combine("apptainer-argv");
        ScriptTools.WriteExecutable(Path.Combine(fakeBin, "apptainer"), FakeApptainer(argvLog));
        var p = HostileParameters();
        var environment = new Dictionary<string, string>(p.Environment) { ["FAKE_EXIT"] = "7" };
        var spec = Specs.Apptainer(_temp.Combine("jobs")) with
        {
            Execution = Specs.Apptainer("/x").Execution with { ContainerEntrypoint = entry },
            Args = p.Args, Environment = environment, ParametersJson = p.ParametersJson,
        };
        var path = Environment.GetEnvironmentVariable("PATH");
        var result = await ScriptTools.RunBashAsync(WriteScript(spec), new Dictionary<string, string> { ["PATH"] = $"{fakeBin}:{path}" });

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(p.Args, ScriptTools.ReadArgs(dump));
        var env = ScriptTools.ReadEnv(dump);
        foreach (var (name, value) in p.Environment) Assert.Equal(value, env[name]);
        Assert.Equal(p.ParametersJson, env["HPC_PARAMETERS"]);
        Assert.Equal(Specs.JobId, env["HPC_JOB_ID"]);
        Assert.Equal("/input", env["HPC_INPUT_DIR"]);
        Assert.Equal("/output", env["HPC_OUTPUT_DIR"]);
        Assert.Equal("/work", env["HPC_WORK_DIR"]);
        Assert.Equal(spec.Directories.Work, File.ReadAllText(Path.Combine(dump, "pwd")).TrimEnd('\n'));
        Assert.False(File.Exists(Canary), "hostile job data was executed");

        Assert.Equal("entrypoint stdout\n", File.ReadAllText(Path.Combine(spec.Directories.Output, "container-stdout.log")));
        Assert.Contains("stderr line 30", File.ReadAllText(Path.Combine(spec.Directories.Output, "container-stderr.log")));
        Assert.Contains("container exited with status 7", result.Stdout);
        Assert.Contains("stderr line 11\n", result.Stderr);
        Assert.Contains("stderr line 30\n", result.Stderr);
        Assert.DoesNotContain("stderr line 10\n", result.Stderr);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(spec.Directories.Root, "container.env")));
        var argv = File.ReadAllText(argvLog).Split('\0');
        Assert.Equal(["exec", "--containall", "--cleanenv", "--no-home", "--no-mount", "cwd", "--bind"], argv[..7]);
        Assert.Contains("--env-file", argv);
    }

    /// <summary>Stands in for apptainer: checks the flags we use, then runs the command with a clean environment
    /// made of the --env values plus the --env-file sourced by a POSIX shell (apptainer shell-parses that file),
    /// in the host directory bound to /work.</summary>
    private static string FakeApptainer(string argvLog) => $$"""
        #!/bin/bash
        set -euo pipefail
        printf '%s\0' "$@" > '{{argvLog}}'
        [ "$1" = exec ] || { echo "fake apptainer: expected exec" >&2; exit 90; }
        shift
        envs=(); env_file=""; binds=""; saw_cleanenv=""; saw_containall=""; saw_nohome=""; no_mount=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --cleanenv) saw_cleanenv=1; shift ;;
            --containall) saw_containall=1; shift ;;
            --no-home) saw_nohome=1; shift ;;
            --no-mount) no_mount="$2"; shift 2 ;;
            --bind) binds="$2"; shift 2 ;;
            --pwd) [ "$2" = /work ] || exit 91; shift 2 ;;
            --env) envs+=("$2"); shift 2 ;;
            --env-file) env_file="$2"; shift 2 ;;
            -*) echo "fake apptainer: unknown flag $1" >&2; exit 92 ;;
            *) break ;;
          esac
        done
        [ -n "$saw_cleanenv" ] || exit 93
        [ -n "$saw_containall" ] && [ -n "$saw_nohome" ] && [ "$no_mount" = cwd ] || exit 95
        sif="$1"; shift
        [ "$sif" = /images/tool.sif ] || exit 94
        IFS=, read -ra parts <<< "$binds"
        for part in "${parts[@]}"; do
          case "$part" in *:/work) cd "${part%:/work}" ;; esac
        done
        exec env -i PATH="$PATH" "${envs[@]}" bash -c 'set -a; . "$1"; set +a; shift; exec "$@"' fake "$env_file" "$@"
        """;
}
