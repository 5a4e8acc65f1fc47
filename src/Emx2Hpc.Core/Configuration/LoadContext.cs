using YamlDotNet.Core;

namespace Emx2Hpc.Core.Configuration;

/// <summary>State of one load: where the file is, the collected errors, and where each key path sits in the
/// file so rule violations found later on the model can be reported at the right line.</summary>
internal sealed class LoadContext
{
    private readonly Dictionary<string, (int Line, int Column, string DisplayPath)> _locations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pathsWithErrors = new(StringComparer.Ordinal);
    private readonly List<ConfigError> _errors = [];

    public LoadContext(string file, string baseDirectory, ConfigLoadOptions options)
    {
        File = file;
        BaseDirectory = baseDirectory;
        Options = options;
    }

    public string File { get; }

    /// <summary>Relative paths in the file (secret file, state db, tmp dir) resolve against this.</summary>
    public string BaseDirectory { get; }

    public ConfigLoadOptions Options { get; }

    public IReadOnlyList<ConfigError> Errors => _errors;

    /// <summary>Older key names that were accepted (see <see cref="LegacyKeys"/>), in file order.</summary>
    public IReadOnlyList<ConfigDeprecation> Deprecations => _deprecations;

    private readonly List<ConfigDeprecation> _deprecations = [];

    public void Deprecated(MappingReader.Entry entry, string replacement, string? note = null) =>
        _deprecations.Add(new ConfigDeprecation(File, (int)entry.KeyNode.Start.Line, (int)entry.KeyNode.Start.Column, entry.Path, replacement, note));

    public void Error(Mark at, string keyPath, string message)
    {
        _errors.Add(new ConfigError(File, (int)at.Line, (int)at.Column, keyPath, message));
        _pathsWithErrors.Add(keyPath);
    }

    public void Locate(string keyPath, Mark at) => _locations[keyPath] = ((int)at.Line, (int)at.Column, keyPath);

    /// <summary>Lets rules that speak of a canonical key (emx2.worker_secret) point at the alias actually
    /// written (emx2.shared_secret).</summary>
    public void Alias(string canonicalPath, string writtenPath)
    {
        if (_locations.TryGetValue(writtenPath, out var location)) _locations[canonicalPath] = location;
    }

    /// <summary>Adds a model-level issue at the closest located node, unless the loader already reported a
    /// problem for that key (the model then holds a default, and a second message would only confuse).</summary>
    public void Report(ConfigIssue issue)
    {
        for (var path = issue.KeyPath; ; path = KeyPath.Parent(path))
        {
            if (_locations.TryGetValue(path, out var location))
            {
                var shown = path == issue.KeyPath ? location.DisplayPath : issue.KeyPath;
                if (_pathsWithErrors.Contains(shown)) return;
                _errors.Add(new ConfigError(File, location.Line, location.Column, shown, issue.Message));
                _pathsWithErrors.Add(shown);
                return;
            }
            if (path.Length == 0) break;
        }
        if (_pathsWithErrors.Add(issue.KeyPath)) _errors.Add(new ConfigError(File, 0, 0, issue.KeyPath, issue.Message));
    }
}
