namespace Emx2Hpc.Core.Configuration;

/// <summary>Splits a profile mapping key into (processor, profile). Processors may contain ':' themselves
/// (<c>text-embedding:v3</c>), which the Python daemon split wrongly on the first colon. Rule: a key with
/// '/' splits on the last '/', otherwise on the last ':'. Names that fit neither rule use explicit
/// <c>processor:</c> and <c>profile:</c> fields.</summary>
internal static class ProfileKey
{
    public static bool TrySplit(string key, out string processor, out string profile)
    {
        var cut = key.Contains('/') ? key.LastIndexOf('/') : key.LastIndexOf(':');
        processor = cut > 0 ? key[..cut] : "";
        profile = cut >= 0 ? key[(cut + 1)..] : "";
        return !string.IsNullOrWhiteSpace(processor) && !string.IsNullOrWhiteSpace(profile);
    }

    /// <summary>Null when a processor or profile name (or worker id) is usable, else the reason. Names must match what EMX2
    /// sends exactly, so stray whitespace would only make a profile unreachable.</summary>
    public static string? CheckName(string what, string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return $"{what} must not be blank";
        if (name.Trim().Length != name.Length) return $"{what} '{name}' must not start or end with whitespace";
        if (PathRules.HasControlCharacters(name)) return $"{what} must not contain control characters";
        return null;
    }
}
