using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Tests.E2E.Support;
using Xunit;
using Xunit.Abstractions;

namespace Emx2Hpc.Tests.E2E.Scenarios;

/// <summary>Scenarios 12 and 13: what a job receives is exactly its contract — no variable of the daemon's
/// environment, and arguments and variables from EMX2 verbatim, never interpreted by a shell.</summary>
public sealed class JobEnvironmentTests(E2EEnvironment env, ITestOutputHelper output) : E2ETest(env, output)
{
    [E2EFact]
    public Task Jobs_do_not_inherit_the_daemons_environment() => ScenarioAsync(async () =>
    {
        var marker = "leak-" + Guid.NewGuid().ToString("N");
        var daemonEnvironment = new Dictionary<string, string> { ["EMX2HPC_DAEMON_SECRET_PROBE"] = marker };
        var job = await Env.CreateJobAsync("bash");

        job = await RunToEndAsync(job.Id, JobStatus.Completed, environment: daemonEnvironment);

        var raw = await Env.DownloadTextAsync(job.OutputArtifactId!, "env.nul");
        var variables = ParseEnv(raw);
        Assert.DoesNotContain("EMX2HPC_DAEMON_SECRET_PROBE", variables.Keys);
        Assert.DoesNotContain(marker, raw);
        Assert.DoesNotContain(E2EFactAttribute.Variable, variables.Keys); // the test runner's own variable neither
        Assert.Equal(job.Id, variables["HPC_JOB_ID"]);
        var jobDir = Env.JobDir(job.Id);
        Assert.Equal(Path.Combine(jobDir, "input"), variables["HPC_INPUT_DIR"].TrimEnd('/'));
        Assert.Equal(Path.Combine(jobDir, "output"), variables["HPC_OUTPUT_DIR"].TrimEnd('/'));
        Assert.Equal(Path.Combine(jobDir, "work"), variables["HPC_WORK_DIR"].TrimEnd('/'));
        Assert.Equal("{}", variables["HPC_PARAMETERS"]);
        await AssertAccountedAsync(job.Id, "COMPLETED");
    });

    [E2EFact]
    public Task Hostile_arguments_and_environment_reach_the_job_verbatim() => ScenarioAsync(async () =>
    {
        var pwned = $"/tmp/pwned-{Guid.NewGuid():N}";
        string[] args =
        [
            $"$(touch {pwned})",
            $"`touch {pwned}`",
            $"; touch {pwned};",
            "it's \"double\" and 'single'",
            "line one\nline two",
            "$HOME ${PATH} \\ \\n *",
            " leading and trailing spaces ",
            "",
        ];
        // No line break: job environment values with one are refused (JobEnvironmentPolicy); args keep theirs.
        var value = $"it's \"quoted\" $(touch {pwned}) `id` ; \\ $HOME second part";
        var job = await Env.CreateJobAsync("bash", parameters: new { args, environment = new Dictionary<string, string> { ["E2E_HOSTILE"] = value } });

        job = await RunToEndAsync(job.Id, JobStatus.Completed);

        var received = (await Env.DownloadTextAsync(job.OutputArtifactId!, "args.nul")).Split('\0')[..^1];
        Assert.Equal(args, received);
        var variables = ParseEnv(await Env.DownloadTextAsync(job.OutputArtifactId!, "env.nul"));
        Assert.Equal(value, variables["E2E_HOSTILE"]);
        using var parameters = JsonDocument.Parse(variables["HPC_PARAMETERS"]);
        Assert.Equal(args, parameters.RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.False(File.Exists(pwned), $"{pwned} exists: a parameter was executed by a shell");
        await AssertAccountedAsync(job.Id, "COMPLETED");
    });

    /// <summary>`env -0` output: NAME=value entries separated by NUL (values may hold newlines).</summary>
    private static Dictionary<string, string> ParseEnv(string raw)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in raw.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq > 0) result[entry[..eq]] = entry[(eq + 1)..];
        }
        return result;
    }
}
