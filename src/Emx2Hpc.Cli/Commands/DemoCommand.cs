using System.CommandLine;
using Emx2Hpc.Cli.Demo;

namespace Emx2Hpc.Cli.Commands;

/// <summary>`demo`: emulator + daemon + simulated scheduler on embedded defaults; no config file needed.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Work directory, kept afterwards (default: a temporary directory, removed at the end)" };
        var command = new Command("demo", "Run one job from PENDING to COMPLETED against a built-in EMX2 emulator") { dir };
        command.SetAction(async (parse, ct) =>
        {
            // The demo prints its own story on stdout; daemon logs only with -v or --json-logs.
            var daemonLog = parse.GetValue(GlobalOptions.Verbose) || parse.GetValue(GlobalOptions.JsonLogs) ? HostSetup.LogSink(parse) : null;
            return await DemoScenario.RunAsync(Console.Out, daemonLog, parse.GetValue(dir), ct, parse.GetValue(GlobalOptions.Verbose));
        });
        return command;
    }
}
