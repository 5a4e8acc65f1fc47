using System.Text;
using Emx2Hpc.Core.FileSystem;

namespace Emx2Hpc.Core.Staging;

/// <summary>Path rules shared by staging and output collection: the server's file-path rules, a stricter local
/// form, containment checks and symlink detection. Everything that turns a server string into a local path, or a
/// local file into a server path, goes through here.</summary>
public static class PathSafety
{
    public const int MaxServerPathLength = 1024;

    /// <summary>NAME_MAX of Linux file systems, in bytes: a longer segment cannot be created (ENAMETOOLONG).</summary>
    public const int MaxSegmentBytes = 255;

    // Linux (where Slurm runs) is case-sensitive; macOS and Windows normally are not.
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Why the server would reject <paramref name="path"/> as an artifact file path (SERVER-SPEC §6.5):
    /// blank, longer than 1024, NUL, leading '/' or '\', or a '..' segment once '\' is read as '/'. Null when fine.</summary>
    public static string? ServerPathProblem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "path is blank";
        if (path.Length > MaxServerPathLength) return $"path is longer than {MaxServerPathLength} characters";
        if (path.Contains('\0')) return "path contains a NUL character";
        if (path[0] is '/' or '\\') return "path is absolute";
        if (path.Replace('\\', '/').Split('/').Contains("..")) return "path contains a '..' segment";
        return null;
    }

    /// <summary>The server rules plus "one spelling per file": no '\' (the server treats it as a separator in some
    /// places and not others), no empty or '.' segments (two rows could otherwise land on the same local file), and
    /// no segment the local file system cannot hold (the server allows 1024 characters in one segment; failing on
    /// ENAMETOOLONG later looked like a transient I/O error and was retried until the submission timeout).
    /// Used for every path that becomes a local file (downloads) or comes from one (uploads).</summary>
    public static string? LocalPathProblem(string? path)
    {
        var problem = ServerPathProblem(path);
        if (problem is not null) return problem;
        if (path!.Contains('\\')) return "path contains a backslash";
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0) return "path has an empty segment";
            if (segment == ".") return "path has a '.' segment";
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes) return $"path has a segment longer than {MaxSegmentBytes} bytes";
        }
        return null;
    }

    /// <summary>True when <paramref name="path"/> is strictly below <paramref name="root"/> after normalisation.
    /// The root gets a trailing separator so "/data2" is not inside "/data".</summary>
    public static bool IsInside(string root, string path)
    {
        var r = WithTrailingSeparator(Path.GetFullPath(root));
        var p = Path.GetFullPath(path);
        return p.Length > r.Length && p.StartsWith(r, PathComparison);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> itself or below it.</summary>
    public static bool IsSameOrInside(string root, string path)
    {
        var r = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var p = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return string.Equals(p, r, PathComparison) || IsInside(r, p);
    }

    /// <summary>True when any existing component after <paramref name="root"/> down to and including
    /// <paramref name="target"/> is a symbolic link, i.e. a write to target could be redirected elsewhere.
    /// The root itself is trusted (administrators may place job roots behind links).</summary>
    public static bool ContainsSymlink(string root, string target)
    {
        var fullRoot = Path.GetFullPath(root);
        var fullTarget = Path.GetFullPath(target);
        if (!IsSameOrInside(fullRoot, fullTarget))
            throw new ArgumentException($"'{fullTarget}' is not inside '{fullRoot}'", nameof(target));
        var relative = Path.GetRelativePath(fullRoot, fullTarget);
        if (relative == ".") return false;
        var current = fullRoot;
        foreach (var segment in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Join(current, segment);
            switch (FileKindProbe.Of(current))
            {
                case FileKind.Symlink: return true;
                case FileKind.Missing: return false; // nothing below a missing component exists yet
            }
        }
        return false;
    }

    /// <summary>A hostile path made safe to put in a log line or FAILED detail: control characters escaped and
    /// long values shortened.</summary>
    public static string Describe(string? value, int max = 120)
    {
        if (value is null) return "(null)";
        var builder = new StringBuilder(Math.Min(value.Length, max) + 8);
        foreach (var c in value)
        {
            if (builder.Length >= max) { builder.Append("…(").Append(value.Length).Append(" chars)"); break; }
            if (char.IsControl(c)) builder.Append("\\u").Append(((int)c).ToString("x4"));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static string WithTrailingSeparator(string path) =>
        Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar;
}
