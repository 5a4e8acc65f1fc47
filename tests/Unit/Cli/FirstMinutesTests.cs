using System.Diagnostics;
using System.Text.RegularExpressions;
using Emx2Hpc.Cli.Demo;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Cli;

/// <summary>What a newcomer sees in the first minutes with emx2-hpc: no config yet, a mistyped command, the demo.</summary>
public sealed class FirstMinutesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emx2hpc-first-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    [Fact]
    public async Task A_missing_config_names_its_path_once_and_says_how_to_name_one()
    {
        var missing = Path.Combine(_dir, "nowhere", "config.yaml");

        var result = await CliProcess.RunAsync(_dir, "check", "-c", missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(Regex.Matches(result.Stderr, Regex.Escape(missing)));
        Assert.Contains("-c FILE", result.Stderr);
        Assert.Contains("$EMX2_HPC_CONFIG", result.Stderr);
        Assert.Contains("examples/config.yaml", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_command_is_reported_as_unrecognized_only()
    {
        var result = await CliProcess.RunAsync(_dir, "frobnicate");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Unrecognized command or argument 'frobnicate'", result.Stderr);
        Assert.DoesNotContain("Required command", result.Stderr);
    }

    [Fact]
    public async Task The_demo_without_dir_removes_its_temporary_directory_and_says_so()
    {
        var result = await CliProcess.RunAsync(_dir, "demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        var removed = Regex.Match(result.Stdout, @"removed the temporary work directory (\S+)");
        Assert.True(removed.Success, result.Stdout);
        Assert.Contains("emx2-hpc-demo-", removed.Groups[1].Value);
        Assert.False(Directory.Exists(removed.Groups[1].Value));
    }

    [Fact]
    public async Task The_demo_keeps_a_given_dir_says_no_real_scheduler_ran_and_prints_times_in_UTC()
    {
        var dir = Path.Combine(_dir, "demo");
        using var writer = new StringWriter();

        var exit = await DemoScenario.RunAsync(writer, null, dir, default);
        var text = writer.ToString();

        Assert.True(exit == 0, text);
        Assert.Contains($"work directory kept: {dir}", text);
        Assert.True(Directory.Exists(dir));
        Assert.Contains("no real scheduler was used", text);
        Assert.Contains("Nothing runs on Slurm or any real scheduler", text);
        Assert.Matches(@"\n  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z +- +-> PENDING", text);
    }

    [Fact]
    public async Task The_demo_batch_script_runs_its_entrypoint_successfully_when_run_by_hand()
    {
        var dir = Path.Combine(_dir, "demo");
        using var writer = new StringWriter();
        Assert.Equal(0, await DemoScenario.RunAsync(writer, null, dir, default));
        var script = Assert.Single(Directory.GetFiles(Path.Combine(dir, "jobs"), "job.sbatch", SearchOption.AllDirectories));

        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, stdout + stderr);
        Assert.Contains("--greeting hello 3 true", stdout);
    }
}
