using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Turns the text into one root node, or reports why not. The representation model (not reflection
/// deserialisation) keeps every node's position, which is what makes line-accurate messages possible.</summary>
internal static class YamlDocumentParser
{
    /// <summary>Null when the text is empty or unusable; in the latter case an error has been reported.
    /// Aliases are resolved by YamlDotNet (the readers only descend the known schema, so even a self-referencing
    /// alias cannot make them loop). <see cref="Prescan"/> runs first, because building the representation model
    /// is itself unsafe on some inputs.</summary>
    public static YamlNode? ParseRoot(LoadContext ctx, string yaml)
    {
        if (!Prescan(ctx, yaml)) return null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (AnchorNotFoundException)
        {
            // YamlDotNet reports this at the document start; point at the alias instead.
            var (at, alias) = UndefinedAlias(yaml);
            ctx.Error(at, "", $"invalid YAML: alias '*{alias}' refers to an anchor ('&{alias}') that is not defined before it");
            return null;
        }
        catch (YamlException e)
        {
            ctx.Error(e.Start, "", "invalid YAML: " + TrimYamlMessage(e.Message));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 16 throws these without a position for some malformed input (e.g. an unclosed
            // flow sequence); find the last position the scanner got to so the admin knows where to look.
            ctx.Error(LastScannedMark(yaml), "", "invalid YAML: the parser stopped near here (check for unclosed brackets or quotes)");
            return null;
        }

        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1)
        {
            ctx.Error(stream.Documents[1].RootNode.Start, "", "expected one YAML document, found several ('---' separators)");
            return null;
        }
        return stream.Documents[0].RootNode;
    }

    /// <summary>Deepest nesting of lists and mappings accepted; the real schema needs four.</summary>
    internal const int MaxNestingDepth = 64;

    /// <summary>Checks what would make <see cref="YamlStream.Load"/> itself misbehave, using the event parser (which
    /// keeps its own state stack instead of recursing):
    /// <list type="bullet">
    /// <item>a NUL character: YamlDotNet treats it as the end of the stream, silently dropping the rest of the file;</item>
    /// <item>nesting deeper than <see cref="MaxNestingDepth"/>: the representation model recurses once per level and a
    /// few thousand levels overflow the stack, which kills the process (no exception to catch);</item>
    /// <item>a mapping key that is not a plain scalar: YamlMappingNode hashes keys recursively, so an alias bomb used as
    /// a key ("billion laughs") makes Load run for hours. The readers refuse such keys anyway.</item>
    /// </list>
    /// Syntax errors are left to Load, which reports them with better messages. Returns false after reporting.</summary>
    private static bool Prescan(LoadContext ctx, string yaml)
    {
        var nul = yaml.IndexOf('\0');
        if (nul >= 0)
        {
            var line = 1 + yaml.AsSpan(0, nul).Count('\n');
            ctx.Error(new Mark(nul, line, nul - yaml.LastIndexOf('\n', Math.Max(nul - 1, 0)) ), "",
                "the file contains a NUL character; YAML parsers stop reading there, so the rest of the file would be ignored");
            return false;
        }

        // Per open collection: is it a mapping, and is its next child a key?
        var open = new Stack<(bool Mapping, bool ExpectKey)>();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                if (e is YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd)
                {
                    if (open.Count > 0) open.Pop();
                    continue;
                }
                if (e is not (YamlDotNet.Core.Events.Scalar or YamlDotNet.Core.Events.AnchorAlias
                    or YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart))
                    continue;

                if (open.Count > 0 && open.Peek().Mapping)
                {
                    var (_, expectKey) = open.Pop();
                    if (expectKey && e is not YamlDotNet.Core.Events.Scalar)
                    {
                        ctx.Error(e.Start, "", "keys must be plain strings (not a list, a mapping or an alias)");
                        return false;
                    }
                    open.Push((true, !expectKey));
                }
                if (e is YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart)
                {
                    if (open.Count >= MaxNestingDepth)
                    {
                        ctx.Error(e.Start, "", $"lists and mappings are nested more than {MaxNestingDepth} levels deep");
                        return false;
                    }
                    open.Push((e is YamlDotNet.Core.Events.MappingStart, true));
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // A syntax error: Load meets it too (no deeper than checked so far) and reports it properly.
        }
        return true;
    }

    private static (Mark At, string Alias) UndefinedAlias(string yaml)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(yaml));
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.AnchorAlias alias when !defined.Contains(alias.Value.Value):
                    return (alias.Start, alias.Value.Value);
                case YamlDotNet.Core.Events.NodeEvent { Anchor.IsEmpty: false } node:
                    defined.Add(node.Anchor.Value);
                    break;
            }
        }
        return (Mark.Empty, "?");
    }

    private static Mark LastScannedMark(string yaml)
    {
        var last = Mark.Empty;
        try
        {
            var scanner = new Scanner(new StringReader(yaml));
            while (scanner.MoveNext()) last = scanner.Current!.Start;
        }
        catch (Exception)
        {
            // Expected: this is the same failure; 'last' is the furthest good token.
        }
        return last;
    }

    private static string TrimYamlMessage(string message)
        => message.Length > 0 && char.IsUpper(message[0]) ? char.ToLowerInvariant(message[0]) + message[1..] : message;
}
