using System.CommandLine;
using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Diagnostics;

namespace Emx2Hpc.Cli.Commands;

/// <summary>Turns global options into a logger and a loaded configuration; config problems become exit 2
/// with every error listed (file:line:column: key: message).</summary>
internal static class HostSetup
{
    /// <summary>Started at the process's first line; `-v` logs where the first cycle's time went.</summary>
    public static readonly PhaseTimeline Timeline = new();

    public static (HpcLog Log, Redactor Redactor) Logging(ParseResult parse)
    {
        var redactor = new Redactor();
        var sink = new ConsoleLogSink(Console.Error, parse.GetValue(GlobalOptions.JsonLogs), redactor);
        var level = parse.GetValue(GlobalOptions.Verbose) ? LogLevel.Debug : LogLevel.Information;
        return (new HpcLog(sink, "emx2-hpc", level), redactor);
    }

    public static HpcConfig? LoadConfig(ParseResult parse, Redactor redactor)
    {
        var path = ConfigLocator.Resolve(parse.GetValue(GlobalOptions.Config));
        try
        {
            var config = HpcConfigLoader.LoadFile(path, new ConfigLoadOptions { AllowInsecureSecret = parse.GetValue(GlobalOptions.AllowInsecureSecret) });
            redactor.Add(config.Emx2.Secret?.Value);
            Timeline.Mark("configuration");
            return config;
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine($"emx2-hpc: configuration error in {path}:");
            Console.Error.WriteLine(ex.Message);
            return null;
        }
    }
}
