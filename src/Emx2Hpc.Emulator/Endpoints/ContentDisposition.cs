using System.Text;

namespace Emx2Hpc.Emulator.Endpoints;

/// <summary>Content-Disposition for downloads: attachment; filename="&lt;basename&gt;"; filename*=UTF-8''&lt;encoded&gt;.
/// The basename is what follows the last '/' or '\', control characters stripped, "download" when empty.</summary>
internal static class ContentDisposition
{
    public static string For(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        var name = new string(path[(slash + 1)..].Where(c => !char.IsControl(c)).ToArray());
        if (name.Length == 0) name = "download";
        return $"attachment; filename=\"{AsciiFallback(name)}\"; filename*=UTF-8''{Uri.EscapeDataString(name)}";
    }

    /// <summary>HTTP header values must be ASCII (Kestrel refuses others) and the quoted form cannot hold '"' or
    /// '\' unescaped; such characters become '_' there, and filename* carries the exact name.</summary>
    private static string AsciiFallback(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name) builder.Append(c is > '\u007e' or '"' or '\\' ? '_' : c);
        return builder.ToString();
    }
}
