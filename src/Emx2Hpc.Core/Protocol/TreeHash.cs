using System.Text;

namespace Emx2Hpc.Core.Protocol;

/// <summary>The artifact hash the server computes at commit (SERVER-SPEC §8): none for no files, the file's own
/// hash for one file, else SHA-256 over "path1:sha1path2:sha2…" sorted by path in UTF-16 code-unit order
/// (Java String.compareTo == StringComparer.Ordinal). Client and emulator must agree byte for byte.</summary>
public static class TreeHash
{
    public static string? Compute(IEnumerable<(string Path, string Sha256)> files)
    {
        var sorted = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        if (sorted.Count == 0) return null;
        if (sorted.Count == 1) return sorted[0].Sha256;
        var builder = new StringBuilder();
        foreach (var (path, sha) in sorted) builder.Append(path).Append(':').Append(sha);
        return BodyHash.OfUtf8(builder.ToString());
    }
}
