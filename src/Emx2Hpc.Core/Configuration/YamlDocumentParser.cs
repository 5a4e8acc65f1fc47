using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Turns the text into one root node, or reports why not. The representation model (not reflection
/// deserialisation) keeps every node's position, which is what makes line-accurate messages possible.</summary>
internal static class YamlDocumentParser
{
    /// <summary>Null when the text is empty or unusable; in the latter case an error has been reported.
    /// Aliases are resolved by YamlDotNet (the readers only descend the known schema, so even a self-referencing
    /// alias cannot make them loop).</summary>
    public static YamlNode? ParseRoot(LoadContext ctx, string yaml)
    {
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
