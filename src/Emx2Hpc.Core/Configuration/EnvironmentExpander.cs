using System.Text;
using System.Text.RegularExpressions;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Expands <c>${VAR}</c> and <c>${VAR:-default}</c> in scalar values; <c>$${</c> yields a literal
/// <c>${</c>. Unlike the Python daemon, an unset variable without a default is an error rather than
/// being left in the value, where it would surface much later as a confusing failure.</summary>
internal static partial class EnvironmentExpander
{
    /// <summary>Returns the expanded text, or null with <paramref name="error"/> set. A default applies when the
    /// variable is unset or empty, as in POSIX shells. With <paramref name="sensitive"/> the error never quotes
    /// the text (it may be a secret).</summary>
    public static string? Expand(string text, Func<string, string?> env, bool sensitive, out string? error)
    {
        error = null;
        if (!text.Contains('$')) return text;

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$')
            {
                result.Append(text[i++]);
                continue;
            }
            if (Follows(text, i + 1, "${"))
            {
                result.Append("${");
                i += 3;
                continue;
            }
            if (!Follows(text, i + 1, "{"))
            {
                result.Append(text[i++]);
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = sensitive
                    ? "unterminated variable reference (write $${ for a literal ${)"
                    : $"unterminated variable reference starting at '{Excerpt(text, i)}' (write $${{ for a literal ${{)";
                return null;
            }
            var reference = Reference().Match(text[(i + 2)..close]);
            if (!reference.Success)
            {
                error = sensitive
                    ? "invalid variable reference (expected ${NAME} or ${NAME:-default})"
                    : $"invalid variable reference '{text[i..(close + 1)]}' (expected ${{NAME}} or ${{NAME:-default}})";
                return null;
            }

            var name = reference.Groups["name"].Value;
            var value = env(name);
            if (string.IsNullOrEmpty(value))
            {
                if (reference.Groups["default"].Success) value = reference.Groups["default"].Value;
                else if (value is null)
                {
                    error = $"environment variable '{name}' is not set (use ${{{name}:-default}} to give a default)";
                    return null;
                }
            }
            result.Append(value);
            i = close + 1;
        }
        return result.ToString();
    }

    private static bool Follows(string text, int at, string what)
        => at + what.Length <= text.Length && string.CompareOrdinal(text, at, what, 0, what.Length) == 0;

    private static string Excerpt(string text, int at) => text.Length - at > 20 ? text.Substring(at, 20) + "…" : text[at..];

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?$")]
    private static partial Regex Reference();
}
