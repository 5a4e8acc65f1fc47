using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Reads one scalar value: checks it is a scalar, expands ${VAR} (before any coercion, so
/// <c>cpus: ${CPUS}</c> works), then coerces. Every failure is reported with the node's position; the caller
/// gets null and falls back to the default so the rest of the file is still checked.</summary>
internal static class ScalarReader
{
    public static string? Text(LoadContext ctx, YamlNode node, string path, string expected, bool sensitive = false)
    {
        if (node is not YamlScalarNode scalar)
        {
            ctx.Error(node.Start, path, $"expected {expected}, got {YamlNodes.Describe(node)}");
            return null;
        }
        var expanded = EnvironmentExpander.Expand(scalar.Value ?? "", ctx.Options.GetEnvironmentVariable, sensitive, out var error);
        if (expanded is null) ctx.Error(node.Start, path, error!);
        return expanded;
    }

    public static int? Integer(LoadContext ctx, YamlNode node, string path)
    {
        var text = Text(ctx, node, path, "an integer");
        if (text is null) return null;
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        ctx.Error(node.Start, path, $"expected an integer, got '{text}'");
        return null;
    }

    /// <summary>YAML 1.2 core booleans only (true/false in any case); "yes"/"on" are refused rather than guessed.</summary>
    public static bool? Boolean(LoadContext ctx, YamlNode node, string path)
    {
        var text = Text(ctx, node, path, "true or false");
        if (text is null) return null;
        if (string.Equals(text.Trim(), "true", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(text.Trim(), "false", StringComparison.OrdinalIgnoreCase)) return false;
        ctx.Error(node.Start, path, $"expected true or false, got '{text}'");
        return null;
    }

    public static long? LongInteger(LoadContext ctx, YamlNode node, string path)
    {
        var text = Text(ctx, node, path, "an integer");
        if (text is null) return null;
        if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        ctx.Error(node.Start, path, $"expected an integer, got '{text}'");
        return null;
    }

    /// <summary>Case-insensitive enum value; the error lists what is allowed.</summary>
    public static TEnum? Choice<TEnum>(LoadContext ctx, YamlNode node, string path) where TEnum : struct, Enum
    {
        var text = Text(ctx, node, path, "a single value");
        if (text is null) return null;
        foreach (var value in Enum.GetValues<TEnum>())
            if (string.Equals(value.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)) return value;
        var allowed = string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()));
        ctx.Error(node.Start, path, $"invalid value '{text}' (allowed: {allowed})");
        return null;
    }
}
