using System.Text.Json;
using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Core.Scheduling.Simulated;
using Emx2Hpc.Core.Scheduling.Slurm;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Hostile;

/// <summary>Job parameters are written by EMX2 users (Editor role) and end up in a batch script (the
/// Python daemon pasted them in raw). Each hostile argument or environment value is put through the real script
/// builder, checked with <c>bash -n</c>, and then executed: in host mode with a fake entrypoint that records argv
/// and environment byte for byte, in Apptainer mode with a fake <c>apptainer</c> that records its argv and
/// evaluates the env file the way apptainer does. A canary file /tmp/pwned-&lt;guid&gt; proves nothing ran.</summary>
[Collection(HostileCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ScriptInjectionTests : IDisposable
{
    private const string JobId = "a8098c1a-f86e-11da-bd1a-00112443be1e";
    private readonly HostileRoot _root = new();
    private readonly Canary _canary = new();

    public void Dispose()
    {
        _canary.Dispose();
        _root.Dispose();
    }

    /// <summary>"CANARY" is replaced by the canary path.</summary>
    public static readonly IReadOnlyDictionary<string, string> Payloads = new Dictionary<string, string>
    {
        ["semicolon"] = "x; touch CANARY",
        ["command substitution $()"] = "$(touch CANARY)",
        ["backticks"] = "`touch CANARY`",
        ["${IFS} word splitting"] = "${IFS}touch${IFS}CANARY",
        ["single quote breakout"] = "'; touch CANARY; '",
        ["double quote breakout"] = "\"; touch CANARY; \"",
        ["escaped quote breakout"] = "\\'; touch CANARY; #",
        ["newline"] = "ok\ntouch CANARY",
        ["carriage return + newline"] = "ok\r\ntouch CANARY\r\n",
        ["and-and"] = "&& touch CANARY",
        ["pipe"] = "| tee CANARY",
        ["redirection"] = "> CANARY",
        ["process substitution"] = "<(touch CANARY)",
        ["arithmetic expansion"] = "$((1+1))$(touch CANARY)",
        ["glob"] = "/*",
        ["tilde and variables"] = "~root $HOME ${PATH} $0 $$",
        ["history and brace expansion"] = "!! {a,b} !-1",
        ["leading dash option"] = "--output=CANARY",
        ["heredoc marker"] = "<<EOF\ntouch CANARY\nEOF",
        ["unicode and control characters"] = "ünï\u0007\u001b[31m\u202Ecødé",
        ["long value (16 KiB)"] = new string('A', 16 * 1024) + "$(touch CANARY)",
    };

    public static TheoryData<string> PayloadNames => new(Payloads.Keys);

    private string Payload(string name) => Payloads[name].Replace("CANARY", _canary.Path, StringComparison.Ordinal);

    private JobParameters Parameters(string value)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["args"] = new object[] { "--input", value, "tail" },
            ["environment"] = new Dictionary<string, string> { ["JOB_VALUE"] = value },
            ["note"] = value,
        });
        return JobParameters.Parse(JsonDocument.Parse(json).RootElement);
    }

    private BatchJobSpec Spec(ExecutionSpec execution, JobParameters p) => new()
    {
        Emx2JobId = JobId,
        Directories = JobDirectories.For(_root.Combine("jobs"), JobId),
        Execution = execution,
        Resources = new ResourceSpec { Partition = "debug", Cpus = 1, Memory = "1G", Time = "00:10:00" },
        Args = p.Args,
        Environment = p.Environment,
        ParametersJson = p.ParametersJson,
    };

    private static string WriteScript(BatchJobSpec spec)
    {
        var script = BatchScriptBuilder.Build(spec);
        spec.Directories.Create();
        File.WriteAllText(spec.Directories.ScriptPath, script);
        return spec.Directories.ScriptPath;
    }

    private Task<ProcessResult> Bash(IEnumerable<string> args, string? extraPath = null)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = (extraPath is null ? "" : extraPath + ":") + "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = _root.Path,
        };
        return new ProcessRunner(env).RunAsync(new ProcessCommand("bash", args.ToList(), TimeSpan.FromSeconds(20)), CancellationToken.None);
    }

    private static List<string> SplitNul(string text)
    {
        var items = text.Split('\0').ToList();
        if (items.Count > 0 && items[^1].Length == 0) items.RemoveAt(items.Count - 1);
        return items;
    }

    private static Dictionary<string, string> ReadEnv(string path) =>
        SplitNul(File.ReadAllText(path)).Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private string DumpEntrypoint(string dump)
    {
        var path = _root.Combine("bin/entrypoint");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"#!/bin/bash\nmkdir -p '{dump}'\n: > '{dump}/args'\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> '{dump}/args'; done\nenv -0 > '{dump}/env'\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
        return path;
    }

    /// <summary>A stand-in for apptainer: records argv, then evaluates the --env-file in a clean shell (apptainer
    /// interprets it with its embedded shell) and records the resulting environment.</summary>
    private string FakeApptainer(string dump)
    {
        var bin = _root.Combine("fakebin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "apptainer"), $$"""
            #!/bin/bash
            mkdir -p '{{dump}}'
            : > '{{dump}}/argv'
            envfile=''
            prev=''
            for a in "$@"; do
              printf '%s\0' "$a" >> '{{dump}}/argv'
              if [ "$prev" = "--env-file" ]; then envfile="$a"; fi
              prev="$a"
            done
            env -i bash -c 'set -a; . "$1"; env -0' _ "$envfile" > '{{dump}}/env'
            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(Path.Combine(bin, "apptainer"), (UnixFileMode)Convert.ToInt32("755", 8));
        return bin;
    }

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public Task Host_mode_argument_and_environment_value(string name) => HostileLedger.RunAsync("shell injection (host mode)", name, async () =>
    {
        var value = Payload(name);
        var p = Parameters(value);
        var dump = _root.Combine("dump");
        var script = WriteScript(Spec(new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = DumpEntrypoint(dump) }, p));
        var text = File.ReadAllText(script);
        Assert.Contains("#SBATCH --export=NONE\n", text);

        var syntax = await Bash(["-n", script]);
        Assert.True(syntax.ExitCode == 0, "bash -n: " + syntax.Stderr);
        var run = await Bash([script]);
        Assert.True(run.ExitCode == 0, "script failed: " + run.Stderr);

        Assert.Equal(["--input", value, "tail"], SplitNul(File.ReadAllText(Path.Combine(dump, "args"))));
        var env = ReadEnv(Path.Combine(dump, "env"));
        Assert.Equal(value, env["JOB_VALUE"]);
        Assert.Equal(p.ParametersJson, env["HPC_PARAMETERS"]);
        Assert.Equal(JobId, env["HPC_JOB_ID"]);
        _canary.AssertUntouched();
        return Verdict.Contained;
    });

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public Task Apptainer_mode_argument_and_environment_value(string name) => HostileLedger.RunAsync("shell injection (apptainer mode)", name, async () =>
    {
        var value = Payload(name);
        var p = Parameters(value);
        var dump = _root.Combine("dump-apptainer");
        var bin = FakeApptainer(dump);
        var script = WriteScript(Spec(new ExecutionSpec
        {
            Mode = ExecutionMode.Apptainer, SifImage = "/images/tool.sif", ContainerEntrypoint = "/app/run",
        }, p));

        var syntax = await Bash(["-n", script]);
        Assert.True(syntax.ExitCode == 0, "bash -n: " + syntax.Stderr);
        var run = await Bash([script], bin);
        Assert.True(run.ExitCode == 0, "script failed: " + run.Stderr + run.Stdout);

        var argv = SplitNul(File.ReadAllText(Path.Combine(dump, "argv")));
        Assert.Equal(["/images/tool.sif", "/app/run", "--input", value, "tail"], argv.TakeLast(5));
        Assert.Contains("--cleanenv", argv);
        var env = ReadEnv(Path.Combine(dump, "env"));
        Assert.Equal(value, env["JOB_VALUE"]);
        Assert.Equal(p.ParametersJson, env["HPC_PARAMETERS"]);
        _canary.AssertUntouched();
        return Verdict.Contained;
    });

    [Fact]
    public Task NUL_in_an_argument_is_refused() => HostileLedger.RunAsync("shell injection (host mode)", "NUL in parameters.args", () =>
    {
        var ex = Assert.Throws<JobRejectedException>(() =>
            JobParameters.Parse(JsonDocument.Parse("""{"args":["ok","a\u0000; touch /tmp/x"]}""").RootElement));
        Hostile.AssertNames(ex, "parameters.args[1]", "NUL");
        return Task.FromResult(Verdict.Refused);
    });

    [Fact]
    public Task NUL_in_an_environment_value_is_refused() => HostileLedger.RunAsync("environment values", "NUL in a value", () =>
    {
        var ex = Assert.Throws<JobRejectedException>(() =>
            JobParameters.Parse(JsonDocument.Parse("""{"environment":{"GOOD":"a\u0000b"}}""").RootElement));
        Hostile.AssertNames(ex, "parameters.environment.GOOD", "NUL");
        return Task.FromResult(Verdict.Refused);
    });

    [Fact]
    public Task Non_scalar_arguments_are_refused() => HostileLedger.RunAsync("shell injection (host mode)", "object as an argument", () =>
    {
        var ex = Assert.Throws<JobRejectedException>(() =>
            JobParameters.Parse(JsonDocument.Parse("""{"args":["ok",{"$(touch x)":1}]}""").RootElement));
        Hostile.AssertNames(ex, "parameters.args[1]", "must be a string, number or boolean");
        return Task.FromResult(Verdict.Refused);
    });

    /// <summary>Linux refuses exec() when one argument or environment string exceeds 128 KiB (MAX_ARG_STRLEN) or
    /// all of them together exceed the stack-derived ARG_MAX; a job carrying such values would fail on the node
    /// with "Argument list too long". Refused at submission instead, naming the field.</summary>
    public static readonly IReadOnlyDictionary<string, (string Json, string Field)> Oversized = new Dictionary<string, (string, string)>
    {
        ["one argument over 128 KiB"] = ($$"""{"args":["{{new string('a', 140_000)}}"]}""", "args[0]"),
        ["environment value over 128 KiB"] = ("{\"environment\":{\"BIG\":\"" + new string('e', 140_000) + "\"}}", "environment.BIG"),
        ["parameters JSON over 128 KiB"] = ($$"""{"blob":"{{new string('p', 140_000)}}"}""", "parameters"),
        ["arguments over 1 MiB in total"] = ($$"""{"args":[{{string.Join(",", Enumerable.Repeat($"\"{new string('m', 100_000)}\"", 12))}}]}""", "args"),
    };

    public static TheoryData<string> OversizedCases => new(Oversized.Keys);

    [Theory]
    [MemberData(nameof(OversizedCases))]
    public Task Value_the_kernel_cannot_exec(string name) => HostileLedger.RunAsync("shell injection (host mode)", name, () =>
    {
        var (json, field) = Oversized[name];
        var p = JobParameters.Parse(JsonDocument.Parse(json).RootElement);
        var spec = Spec(new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = "/bin/true" }, p);
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec));
        Hostile.AssertNames(ex, field);
        Assert.True(ex.Message.Length < 300, "message is not bounded");
        return Task.FromResult(Verdict.Refused);
    });

    /// <summary>Names a job may not set: malformed (would break or extend the export line), reserved for the
    /// scheduler contract, or able to make the entrypoint's interpreter load attacker-chosen code.</summary>
    public static readonly IReadOnlyDictionary<string, (string Name, string Why)> EnvironmentNames = new Dictionary<string, (string, string)>
    {
        ["space in name"] = ("A B", "invalid variable name"),
        ["leading digit"] = ("1X", "invalid variable name"),
        ["empty"] = ("", "invalid variable name"),
        ["equals sign"] = ("A=B", "invalid variable name"),
        ["command in name"] = ("X;touch /tmp/pwned", "invalid variable name"),
        ["substitution in name"] = ("$(id)", "invalid variable name"),
        ["newline in name"] = ("A\nB", "invalid variable name"),
        ["unicode letters"] = ("ÄPFEL", "invalid variable name"),
        ["unicode lookalike (Cyrillic A)"] = ("\u0410BC", "invalid variable name"),
        ["PATH"] = ("PATH", "is reserved"),
        ["LD_PRELOAD"] = ("LD_PRELOAD", "is reserved"),
        ["LD_LIBRARY_PATH"] = ("LD_LIBRARY_PATH", "is reserved"),
        ["HPC_JOB_ID"] = ("HPC_JOB_ID", "is reserved"),
        ["HPC_OUTPUT_DIR"] = ("HPC_OUTPUT_DIR", "is reserved"),
        ["SLURM_X"] = ("SLURM_X", "is reserved"),
        ["BASH_ENV"] = ("BASH_ENV", "may not be set by a job"),
        ["ENV"] = ("ENV", "may not be set by a job"),
        ["IFS"] = ("IFS", "may not be set by a job"),
        ["PS4"] = ("PS4", "may not be set by a job"),
        ["PYTHONPATH"] = ("PYTHONPATH", "may not be set by a job"),
        ["NODE_OPTIONS"] = ("NODE_OPTIONS", "may not be set by a job"),
        ["JAVA_TOOL_OPTIONS"] = ("JAVA_TOOL_OPTIONS", "may not be set by a job"),
        ["APPTAINERENV_X"] = ("APPTAINERENV_LD_PRELOAD", "may not be set by a job"),
        ["SINGULARITY_BIND"] = ("SINGULARITY_BIND", "may not be set by a job"),
    };

    public static TheoryData<string> EnvironmentNameCases => new(EnvironmentNames.Keys);

    [Theory]
    [MemberData(nameof(EnvironmentNameCases))]
    public Task Environment_name(string caseName) => HostileLedger.RunAsync("environment names", caseName, () =>
    {
        var (name, why) = EnvironmentNames[caseName];
        var json = JsonSerializer.Serialize(new { environment = new Dictionary<string, string> { [name] = "value" } });
        var ex = Assert.Throws<JobRejectedException>(() => JobParameters.Parse(JsonDocument.Parse(json).RootElement));
        Hostile.AssertNames(ex, "parameters.environment", why, EnvironmentVariableName.Printable(name));
        Assert.DoesNotContain('\n', ex.Message);
        return Task.FromResult(Verdict.Refused);
    });

    /// <summary>Job ids become directory names and #SBATCH values; only canonical UUIDs may.</summary>
    public static readonly IReadOnlyDictionary<string, string> JobIds = new Dictionary<string, string>
    {
        ["parent directory"] = "../x",
        ["deep traversal"] = "../../../../tmp/pwned",
        ["shell command"] = "x;rm -rf /",
        ["empty"] = "",
        ["braced UUID"] = "{a8098c1a-f86e-11da-bd1a-00112443be1e}",
        ["UUID plus traversal"] = "a8098c1a-f86e-11da-bd1a-00112443be1e/../../x",
        ["UUID plus newline directive"] = "a8098c1a-f86e-11da-bd1a-00112443be1e\n#SBATCH --uid=0",
        ["absolute path"] = "/etc",
        ["hex without dashes"] = "a8098c1af86e11dabd1a00112443be1e",
    };

    public static TheoryData<string> JobIdCases => new(JobIds.Keys);

    [Theory]
    [MemberData(nameof(JobIdCases))]
    public Task Job_id_that_is_not_a_UUID(string caseName) => HostileLedger.RunAsync("job ids", caseName, async () =>
    {
        var id = JobIds[caseName];
        var jobs = _root.Combine("jobs");
        Directory.CreateDirectory(jobs);
        var before = _root.Snapshot();
        var spec = new BatchJobSpec
        {
            Emx2JobId = id,
            Directories = JobDirectories.For(jobs, id),
            Execution = new ExecutionSpec { Mode = ExecutionMode.Host, HostEntrypoint = "/bin/true" },
            Resources = new ResourceSpec { Cpus = 1 },
        };
        var ex = Assert.Throws<JobRejectedException>(() => BatchScriptBuilder.Build(spec));
        Hostile.AssertNames(ex, "emx2_job_id", "is not a UUID");
        var simulated = new SimulatedScheduler(new SimulatedSchedulerOptions { StateDirectory = _root.Combine("sim") });
        await Assert.ThrowsAsync<JobRejectedException>(() => simulated.SubmitAsync(spec, CancellationToken.None));
        HostileRoot.AssertChangesOnlyUnder(before, _root.Snapshot(), "sim");
        return Verdict.Refused;
    });
}
