namespace Emx2Hpc.Core.Diagnostics;

/// <summary>Last line of defence against leaking credentials: every sink passes text through a redactor that
/// knows the configured secret(s) and replaces them. Code should never log a secret in the first place; this
/// catches the case where one arrives inside an exception message or a server echo.</summary>
public sealed class Redactor
{
    private readonly List<string> _secrets = [];

    public void Add(string? secret)
    {
        // Very short strings would redact ordinary words; real secrets are ≥ 32 characters.
        if (string.IsNullOrEmpty(secret) || secret.Length < 8) return;
        lock (_secrets) if (!_secrets.Contains(secret)) _secrets.Add(secret);
    }

    public string Apply(string text)
    {
        lock (_secrets)
            foreach (var s in _secrets)
                if (text.Contains(s, StringComparison.Ordinal)) text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }
}
