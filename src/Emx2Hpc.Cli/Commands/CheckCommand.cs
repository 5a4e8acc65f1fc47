using System.CommandLine;
using Emx2Hpc.Core.Checks;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`check`: configuration summary, then one line per check; exit 1 if any check fails.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var simulate = new Option<bool>("--simulate") { Description = "Do not require Slurm tools" };
        var command = new Command("check", "Validate configuration, local prerequisites and EMX2 connectivity") { simulate };
        command.SetAction(async (parse, ct) =>
        {
            using var session = HostSetup.Open(HostSetup.SessionOptions(parse) with { Simulate = parse.GetValue(simulate) });
            if (session is null) return ExitCodes.Usage;
            foreach (var line in session.Config.Describe()) Console.WriteLine(line);
            var results = await session.TestAsync(ct);
            foreach (var result in results) Console.WriteLine(result);
            var failed = results.Count(r => r.Status == CheckStatus.Fail);
            Console.WriteLine(failed == 0 ? "All checks passed." : $"{failed} checks failed.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.WorkFailed;
        });
        return command;
    }
}
