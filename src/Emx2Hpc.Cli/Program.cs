using System.CommandLine;
using Emx2Hpc.Cli;
using Emx2Hpc.Cli.Commands;

// emx2-hpc: console host over Emx2Hpc.Core. Commands parse options and call one Core operation each.
// Touching the timeline starts it: its first phase is building and parsing the command line.
var timeline = HostSetup.Timeline;
var root = new RootCommand("Connects MOLGENIS EMX2 to a Slurm cluster from the head node (outbound only).");
foreach (var option in GlobalOptions.All) root.Options.Add(option);
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(RegisterCommand.Create());
root.Subcommands.Add(OnceCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(ImportPythonStateCommand.Create());
var parsed = root.Parse(args);
timeline.Mark("command line");
if (parsed.Errors.Count > 0)
{
    // An unknown command also leaves the root without a command; naming the unknown word is the whole story.
    var aboutUnknown = parsed.Errors.Where(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))).ToList();
    foreach (var error in aboutUnknown.Count > 0 ? aboutUnknown : parsed.Errors) Console.Error.WriteLine($"emx2-hpc: {error.Message}");
    Console.Error.WriteLine("Try 'emx2-hpc --help'.");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();
