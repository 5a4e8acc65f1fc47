namespace Emx2Hpc.Core.Configuration;

/// <summary>Knobs for <see cref="HpcConfigLoader"/>. The environment lookup is injectable so tests (and hosts
/// that keep variables elsewhere) control <c>${VAR}</c> expansion and default paths.</summary>
public sealed record ConfigLoadOptions
{
    public static ConfigLoadOptions Default { get; } = new();

    /// <summary>Accept a secret file readable by group or others. Off by default: such a file leaks the worker
    /// credential to every local user.</summary>
    public bool AllowInsecureSecret { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;
}
