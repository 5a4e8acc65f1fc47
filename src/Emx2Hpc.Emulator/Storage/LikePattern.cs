using System.Text;

namespace Emx2Hpc.Emulator.Storage;

/// <summary>The server filters files with Postgres <c>path LIKE prefix || '%'</c> without escaping the prefix, so
/// '%' and '_' in a prefix act as wildcards (and '\' escapes, Postgres' default). SQLite's LIKE is
/// case-insensitive for ASCII, Postgres' is not, so the pattern is translated to an equivalent case-sensitive GLOB.</summary>
internal static class LikePattern
{
    public static string PrefixToGlob(string prefix)
    {
        var glob = new StringBuilder();
        for (var i = 0; i < prefix.Length; i++)
        {
            var c = prefix[i];
            switch (c)
            {
                case '\\' when i + 1 < prefix.Length:
                    AppendLiteral(glob, prefix[++i]);
                    break;
                case '%':
                    glob.Append('*');
                    break;
                case '_':
                    glob.Append('?');
                    break;
                default:
                    AppendLiteral(glob, c);
                    break;
            }
        }
        return glob.Append('*').ToString();
    }

    private static void AppendLiteral(StringBuilder glob, char c)
    {
        // GLOB's own metacharacters are made literal with a one-character class.
        if (c is '*' or '?' or '[') glob.Append('[').Append(c).Append(']');
        else glob.Append(c);
    }
}
