using YamlDotNet.RepresentationModel;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Small facts about representation-model nodes. Never call ToString on a node: recursive aliases
/// make it run away, and a secret could end up in a message.</summary>
internal static class YamlNodes
{
    private const string NullTag = "tag:yaml.org,2002:null";

    /// <summary>YAML null (<c>key:</c>, <c>~</c>, <c>null</c>) means "not set" for every key: the default applies.
    /// Quoted or explicitly tagged scalars are strings, never null.</summary>
    public static bool IsNull(YamlNode? node)
    {
        if (node is null) return true;
        if (node is not YamlScalarNode scalar) return false;
        if (!scalar.Tag.IsEmpty) return scalar.Tag.Value == NullTag;
        return scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any
               && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a single value",
    };
}
