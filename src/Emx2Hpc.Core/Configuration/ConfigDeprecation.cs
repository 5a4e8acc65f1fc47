namespace Emx2Hpc.Core.Configuration;

/// <summary>A key from an older generation of the Python emx2-hpc-daemon's configuration that still loads, and the
/// key that replaces it. Hosts print each once at start-up; <c>check</c> lists them with what changes.</summary>
public sealed record ConfigDeprecation(string File, int Line, int Column, string KeyPath, string Replacement, string? Note = null)
{
    /// <summary><c>config.yaml:12:5: profiles."a:b".extra_args is deprecated; use sbatch_args</c> (+ note).</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return $"{location}: {KeyPath} is deprecated; use {Replacement}{(Note is null ? "" : $" ({Note})")}";
    }
}
