using System.Diagnostics;
using Emx2Hpc.Core.Scheduling.Processes;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Operations;

/// <summary>The shipped systemd units (examples/systemd) pass `systemd-analyze verify`, which works without systemd as
/// PID 1. verify also checks that ExecStart exists, so the copies under test point it at a stand-in executable; every
/// other line is verified as shipped. verify exits 0 even for an ignored bad setting, so any output is a failure too.
/// CI installs systemd-analyze with .ci/ops.sh; a missing tool fails the test rather than skipping it.</summary>
public sealed class SystemdUnitTests
{
    private const string InstalledBinary = "/opt/emx2-hpc/emx2-hpc";
    private static readonly string[] Units = ["emx2-hpc.service", "emx2-hpc-once.service", "emx2-hpc-once.timer"];

    [Fact]
    public async Task Shipped_units_pass_systemd_analyze_verify()
    {
        var (exit, output) = await VerifyAsync(text => text);
        Assert.True(exit == 0 && output.Length == 0, $"exit {exit}: {output}");
    }

    [Fact]
    public async Task The_check_catches_a_bad_setting()
    {
        var (exit, output) = await VerifyAsync(text => text.Replace("ProtectSystem=strict", "ProtectSystem=sometimes"));
        Assert.False(exit == 0 && output.Length == 0, "a bad ProtectSystem value went unnoticed");
    }

    [Fact]
    public void The_daemon_unit_is_hardened()
    {
        var text = File.ReadAllText(Path.Combine(Directory(), "emx2-hpc.service"));
        foreach (var line in new[] { "User=emx2hpc", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "ExecStart=/opt/emx2-hpc/emx2-hpc run" })
            Assert.Contains(line, text);
        Assert.Matches("(?m)^ReadWritePaths=/var/lib/emx2-hpc /shared/scratch/emx2-hpc$", text);
    }

    private static string Directory() => Path.GetDirectoryName(SharedPaths.Find("examples/systemd/emx2-hpc.service"))!;

    private static async Task<(int, string)> VerifyAsync(Func<string, string> edit)
    {
        var tool = ExecutableLocator.Find("systemd-analyze", Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException("systemd-analyze is not installed (run .ci/ops.sh)");
        var temp = System.IO.Directory.CreateTempSubdirectory("emx2hpc-systemd-").FullName;
        try
        {
            var standIn = Path.Combine(temp, "emx2-hpc");
            File.WriteAllText(standIn, "#!/bin/sh\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var unit in Units)
                File.WriteAllText(Path.Combine(temp, unit), edit(File.ReadAllText(Path.Combine(Directory(), unit))).Replace(InstalledBinary, standIn));
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("verify");
            foreach (var unit in Units) start.ArgumentList.Add(Path.Combine(temp, unit));
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
        }
        finally
        {
            System.IO.Directory.Delete(temp, recursive: true);
        }
    }
}
