using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Emx2Hpc.Core.Operations;

namespace Emx2Hpc.PowerShell.Infrastructure;

/// <summary>Tab completion for -Processor from the profiles of the configuration the command would use (its
/// -ConfigPath, else $env:EMX2_HPC_CONFIG, else /etc/emx2-hpc/config.yaml). A configuration that cannot be read
/// completes nothing: completion must never throw at the user.</summary>
internal sealed class ProcessorCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ConfiguredNames.Complete(ConfiguredNames.Read(fakeBoundParameters).Select(p => p.Processor), wordToComplete);
}

/// <summary>Tab completion for -Profile from the configured profiles, narrowed to the -Processor already typed.</summary>
internal sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var processor = fakeBoundParameters["Processor"] as string;
        var profiles = ConfiguredNames.Read(fakeBoundParameters)
            .Where(p => processor is null || string.Equals(p.Processor, processor, StringComparison.Ordinal))
            .Select(p => p.Profile);
        return ConfiguredNames.Complete(profiles, wordToComplete);
    }
}

internal static class ConfiguredNames
{
    public static IReadOnlyList<(string Processor, string Profile)> Read(IDictionary fakeBoundParameters)
    {
        try
        {
            return WorkerSession.ConfiguredProfiles(fakeBoundParameters["ConfigPath"] as string);
        }
        catch (Exception)
        {
            return [];
        }
    }

    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> names, string wordToComplete) =>
        names.Distinct(StringComparer.Ordinal)
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n));

    // A processor like text-embedding:v3 is one bare word in PowerShell; names with spaces or quotes need quoting.
    private static string Quote(string name) =>
        name.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or '@' or '#' or ',' or '|' or '&')
            ? "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'"
            : name;
}
