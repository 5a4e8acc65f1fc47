using System.Text.RegularExpressions;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>One command of a pipeline as written in documentation: its name, the parameters it names explicitly
/// and whether it also passes positional arguments.</summary>
public sealed record PipelineSegment(string Command, IReadOnlyList<string> NamedParameters, IReadOnlyList<string> Words);

/// <summary>Finds PowerShell command lines in documentation and splits them the way the parser would: on '|' outside
/// quotes, braces and parentheses. Only as much syntax as documentation examples use.</summary>
public static partial class PipelineText
{
    /// <summary>Logical lines of every ```powershell / ```pwsh block (continuations joined, comments dropped).</summary>
    public static IEnumerable<string> FromMarkdown(string markdown)
    {
        foreach (Match block in FencedPowerShell().Matches(markdown))
            foreach (var line in LogicalLines(block.Groups[1].Value.Split('\n')))
                yield return line;
    }

    /// <summary>Inline code spans (`…`) of prose that start with one of <paramref name="commands"/>.</summary>
    public static IEnumerable<string> InlineCommands(string markdown, IReadOnlySet<string> commands) =>
        InlineCode().Matches(FencedAny().Replace(markdown, "")).Select(m => m.Groups[1].Value.Trim())
            .Where(code => commands.Contains(FirstWord(code)));

    /// <summary>Lines that start with one of <paramref name="commands"/> (for help text and MAML examples).</summary>
    public static IEnumerable<string> CommandLines(string text, IReadOnlySet<string> commands) =>
        LogicalLines(text.Split('\n')).Where(l => commands.Contains(FirstWord(l)));

    public static IReadOnlyList<PipelineSegment> Segments(string line) => SplitTopLevel(line, '|').Select(Segment).ToList();

    // Joins continuations: a trailing '|' or backtick, or (PowerShell 7) a leading '|' on the next line.
    private static IEnumerable<string> LogicalLines(IEnumerable<string> lines)
    {
        var current = "";
        foreach (var raw in lines)
        {
            var line = StripComment(raw).Trim();
            if (line.StartsWith("PS>", StringComparison.Ordinal)) line = line[3..].Trim();
            if (line.Length == 0) continue;
            var continues = current.EndsWith('|') || current.EndsWith('`') || line.StartsWith('|');
            if (current.Length > 0 && !continues)
            {
                yield return current;
                current = "";
            }
            current = (current.TrimEnd('`').TrimEnd() + " " + line).Trim();
        }
        if (current.Length > 0) yield return current;
    }

    private static PipelineSegment Segment(string text)
    {
        var words = SplitTopLevel(AssignmentPrefix().Replace(text.Trim(), ""), ' ').Where(w => w.Length > 0).ToList();
        var parameters = words.Skip(1).Select(w => ParameterToken().Match(w)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        return new PipelineSegment(words.FirstOrDefault() ?? "", parameters, words.Skip(1).ToList());
    }

    public static bool IsParameterToken(string word, out string name)
    {
        var match = ParameterToken().Match(word);
        name = match.Success ? match.Groups[1].Value : "";
        return match.Success;
    }

    public static bool HasInlineValue(string word) => word.Contains(':');

    private static string FirstWord(string line) => Segment(SplitTopLevel(line, '|').First()).Command;

    // Splits on the separator outside '…', "…", {…}, (…), @(…) and $(…).
    private static IEnumerable<string> SplitTopLevel(string text, char separator)
    {
        var depth = 0;
        char? quote = null;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote) quote = null;
                continue;
            }
            switch (c)
            {
                case '\'' or '"': quote = c; break;
                case '{' or '(': depth++; break;
                case '}' or ')': depth--; break;
                default:
                    if (c == separator && depth == 0)
                    {
                        yield return text[start..i].Trim();
                        start = i + 1;
                    }
                    break;
            }
        }
        yield return text[start..].Trim();
    }

    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    [GeneratedRegex(@"```(?:powershell|pwsh|ps1)[ \t]*\r?\n(.*?)```", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FencedPowerShell();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedAny();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^\$[A-Za-z_][A-Za-z0-9_:]*\s*=\s*")]
    private static partial Regex AssignmentPrefix();

    [GeneratedRegex(@"^-([A-Za-z][A-Za-z0-9]*)(?::.*)?$")]
    private static partial Regex ParameterToken();
}
