namespace Emx2Hpc.Core.Configuration;

/// <summary>Thrown when a configuration cannot be used. Carries every problem found in one pass so an admin
/// fixes the file once, not once per error.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    public ConfigException(ConfigError error)
        : this([error])
    {
    }

    public IReadOnlyList<ConfigError> Errors { get; }

    /// <summary>Set when the only problem is that the file does not exist, so a host can say how to name one
    /// instead of listing errors.</summary>
    public string? MissingFile { get; init; }

    private static string Format(IReadOnlyList<ConfigError> errors)
    {
        if (errors.Count == 0) throw new ArgumentException("A ConfigException needs at least one error.", nameof(errors));
        return string.Join(Environment.NewLine, errors.Select(e => e.ToString()));
    }
}
