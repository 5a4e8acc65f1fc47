using System.CommandLine;
using Emx2Hpc.Core.Checks;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;
using Emx2Hpc.Core.Cycle;

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
            var (log, redactor) = HostSetup.Logging(parse);
            var config = HostSetup.LoadConfig(parse, redactor);
            if (config is null) return ExitCodes.Usage;
            foreach (var line in ConfigSummary.Describe(config)) Console.WriteLine(line);
            using var client = new Emx2Client(Emx2ClientFactory.Options(config), log.For("emx2"));
            var results = LocalChecks.Run(config, parse.GetValue(simulate)).ToList();
            results.AddRange(TakeoverChecks.Run(config));
            results.AddRange(await RemoteChecks.RunAsync(client, ct));
            foreach (var result in results) Console.WriteLine(result);
            var failed = results.Count(r => r.Status == CheckStatus.Fail);
            Console.WriteLine(failed == 0 ? "All checks passed." : $"{failed} checks failed.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.WorkFailed;
        });
        return command;
    }
}
