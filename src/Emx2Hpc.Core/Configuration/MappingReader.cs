using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Emx2Hpc.Core.Configuration;

/// <summary>Typed, position-aware access to one YAML mapping. Opening it reports unknown keys (the Python
/// daemon raised a bare TypeError, gap 5) and records where each key sits for later messages.</summary>
internal sealed class MappingReader
{
    private readonly LoadContext _ctx;
    private readonly List<Entry> _entries = [];

    private MappingReader(LoadContext ctx, string path, Mark start)
    {
        _ctx = ctx;
        Path = path;
        Start = start;
    }

    public readonly record struct Entry(string Key, YamlScalarNode KeyNode, YamlNode Value, string Path);

    public string Path { get; }

    /// <summary>Where the mapping itself starts; errors about a missing key point here.</summary>
    public Mark Start { get; }

    /// <summary>Entries in file order, including those whose value is null.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary><paramref name="knownKeys"/> null means any key is allowed (profiles, environment).
    /// An absent or null node reads as an empty mapping so every key takes its default.</summary>
    public static MappingReader Open(LoadContext ctx, YamlNode? node, string path, IReadOnlyCollection<string>? knownKeys, Mark? fallbackStart = null)
    {
        var reader = new MappingReader(ctx, path, node?.Start ?? fallbackStart ?? Mark.Empty);
        if (YamlNodes.IsNull(node)) return reader;
        if (node is not YamlMappingNode mapping)
        {
            ctx.Error(node!.Start, path, $"expected a mapping of keys to values, got {YamlNodes.Describe(node)}");
            return reader;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                ctx.Error(keyNode.Start, path, "keys must be plain strings");
                continue;
            }
            var childPath = KeyPath.Child(path, key);
            if (key == "<<")
            {
                ctx.Error(keyNode.Start, childPath, "YAML merge keys ('<<') are not supported; repeat the settings or use ${VAR}");
                continue;
            }
            if (knownKeys is not null && !knownKeys.Contains(key))
            {
                var suggestion = KeySuggestion.Closest(key, knownKeys);
                ctx.Error(keyNode.Start, childPath,
                    suggestion is null
                        ? $"unknown key '{key}' (allowed: {string.Join(", ", knownKeys)})"
                        : $"unknown key '{key}'; did you mean '{suggestion}'?");
                continue;
            }
            // Errors about a value point at the value; about an absent/compound value, at its key.
            ctx.Locate(childPath, value is YamlScalarNode && !YamlNodes.IsNull(value) ? value.Start : keyNode.Start);
            reader._entries.Add(new Entry(key, scalarKey, value, childPath));
        }
        return reader;
    }

    /// <summary>The entry for <paramref name="key"/> if it is present with a non-null value.</summary>
    public Entry? Find(string key)
    {
        foreach (var entry in _entries)
            if (entry.Key == key)
                return YamlNodes.IsNull(entry.Value) ? null : entry;
        return null;
    }

    public string? String(string key, bool sensitive = false)
        => Find(key) is { } e ? ScalarReader.Text(_ctx, e.Value, e.Path, "a single value", sensitive) : null;

    /// <summary>Blank (including a variable that expanded to nothing) means "not set", matching the Python
    /// daemon's "" defaults.</summary>
    public string? OptionalString(string key, bool sensitive = false)
        => String(key, sensitive) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    public int Int(string key, int fallback)
        => Find(key) is { } e ? ScalarReader.Integer(_ctx, e.Value, e.Path) ?? fallback : fallback;

    public bool Bool(string key, bool fallback)
        => Find(key) is { } e ? ScalarReader.Boolean(_ctx, e.Value, e.Path) ?? fallback : fallback;

    public TEnum Choice<TEnum>(string key, TEnum fallback) where TEnum : struct, Enum
        => Find(key) is { } e ? ScalarReader.Choice<TEnum>(_ctx, e.Value, e.Path) ?? fallback : fallback;

    /// <summary>A list of scalars; null when the key is absent. A single value is refused rather than wrapped,
    /// because "bind_paths: /a,/b" is more likely a mistake than a one-element list.</summary>
    public ImmutableArray<(string Value, string Path)>? StringList(string key)
    {
        if (Find(key) is not { } e) return null;
        if (e.Value is not YamlSequenceNode sequence)
        {
            _ctx.Error(e.Value.Start, e.Path,
                $"expected a list of strings, got {YamlNodes.Describe(e.Value)} (write [value] or one '- value' per line)");
            return null;
        }

        var items = ImmutableArray.CreateBuilder<(string, string)>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var itemPath = KeyPath.Index(e.Path, i);
            _ctx.Locate(itemPath, item.Start);
            string? text;
            if (YamlNodes.IsNull(item))
            {
                _ctx.Error(item.Start, itemPath, "list item is empty");
                text = null;
            }
            else text = ScalarReader.Text(_ctx, item, itemPath, "a string");
            // A failed item stays as "" so later items keep their index (and their key path in messages);
            // the load fails anyway because an error was reported.
            items.Add((text ?? "", itemPath));
        }
        return items.ToImmutable();
    }

    public MappingReader Mapping(string key, IReadOnlyCollection<string>? knownKeys)
    {
        var entry = Find(key);
        return Open(_ctx, entry?.Value, KeyPath.Child(Path, key), knownKeys, entry?.KeyNode.Start ?? Start);
    }
}
