namespace Emx2Hpc.Core.Configuration;

/// <summary>One configuration problem, located precisely enough to fix without guessing. Line and Column are
/// 1-based; 0 means "no position" (missing file, or a config built in code).</summary>
public sealed record ConfigError(string File, int Line, int Column, string KeyPath, string Message)
{
    /// <summary><c>config.yaml:12:5: profiles."embed:gpu".memory: invalid memory ...</c> — the compiler-style
    /// format editors and terminals turn into a link.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return KeyPath.Length > 0 ? $"{location}: {KeyPath}: {Message}" : $"{location}: {Message}";
    }
}
