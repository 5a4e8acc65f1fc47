using System.Text;
using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Dotted key paths as shown in errors: <c>profiles."embed:gpu".sbatch_args[1]</c>. Segments that are
/// not plain identifiers are quoted so a path is unambiguous even for keys containing dots or colons.</summary>
internal static partial class KeyPath
{
    public static string Child(string parent, string key)
    {
        var segment = PlainSegment().IsMatch(key) ? key : Quote(key);
        return parent.Length == 0 ? segment : parent + "." + segment;
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The path one level up, or "" at the top. Used to place an error on the closest node that exists
    /// in the file when the exact key was never written (a default value).</summary>
    public static string Parent(string path)
    {
        var cut = 0;
        var inQuotes = false;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (inQuotes)
            {
                if (c == '\\') i++;
                else if (c == '"') inQuotes = false;
            }
            else if (c == '"') inQuotes = true;
            else if (c is '.' or '[') cut = i;
        }
        return path[..cut];
    }

    private static string Quote(string key)
    {
        var builder = new StringBuilder(key.Length + 2).Append('"');
        foreach (var c in key)
        {
            if (c is '"' or '\\') builder.Append('\\');
            builder.Append(c);
        }
        return builder.Append('"').ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex PlainSegment();
}
