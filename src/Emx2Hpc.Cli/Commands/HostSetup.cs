using System.CommandLine;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;
using Emx2Hpc.Core.Operations;

namespace Emx2Hpc.Cli.Commands;

/// <summary>Turns global options into an open <see cref="WorkerSession"/>, the façade every command calls; config
/// problems become exit 2 with every error listed (file:line:column: key: message).</summary>
internal static class HostSetup
{
    /// <summary>Where a newcomer finds a starting point (shipped in the source tree and the release archive).</summary>
    public const string ExampleConfig = "examples/config.yaml";

    /// <summary>Started at the process's first line; `-v` logs where the first cycle's time went.</summary>
    public static readonly PhaseTimeline Timeline = new();

    /// <summary>The log sink of every command: stderr, human text or one JSON object per line.</summary>
    public static ILogSink LogSink(ParseResult parse) =>
        new ConsoleLogSink(Console.Error, parse.GetValue(GlobalOptions.JsonLogs), new Redactor());

    public static WorkerSessionOptions SessionOptions(ParseResult parse) => new()
    {
        ConfigPath = parse.GetValue(GlobalOptions.Config),
        AllowInsecureSecret = parse.GetValue(GlobalOptions.AllowInsecureSecret),
        LogSink = LogSink(parse),
        Verbose = parse.GetValue(GlobalOptions.Verbose),
        LogSource = "emx2-hpc",
        Timeline = Timeline,
    };

    /// <summary>Opens the session, or prints why the configuration cannot be used and returns null (exit 2).</summary>
    public static WorkerSession? Open(WorkerSessionOptions options)
    {
        try
        {
            return WorkerSession.Open(options);
        }
        catch (ConfigException ex) when (ex.MissingFile is { } missing)
        {
            Console.Error.WriteLine($"emx2-hpc: configuration file not found: {missing}");
            Console.Error.WriteLine($"Name one with -c FILE (or --config FILE), or set ${ConfigLocator.EnvironmentVariable}; without either, {ConfigLocator.DefaultPath} is read.");
            Console.Error.WriteLine($"Start from the annotated example {ExampleConfig} of emx2-hpc, or try 'emx2-hpc demo', which needs no configuration.");
            return null;
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine($"emx2-hpc: configuration error in {ex.Errors[0].File}:");
            Console.Error.WriteLine(ex.Message);
            return null;
        }
    }
}
