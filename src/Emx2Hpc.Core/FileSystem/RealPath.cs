namespace Emx2Hpc.Core.FileSystem;

/// <summary>realpath(3): the canonical absolute path with every symbolic link in every component resolved.
/// Directory.ResolveLinkTarget only follows the last component, so "/allowed/dir-link/file" with dir-link pointing
/// outside would pass a prefix check; allowlist decisions must be made on this resolved form.</summary>
public static class RealPath
{
    /// <summary>Linux's limit for link expansions in one lookup (ELOOP beyond it).</summary>
    private const int MaxLinkExpansions = 40;

    /// <exception cref="FileNotFoundException">A component does not exist (or a non-directory has children).</exception>
    /// <exception cref="IOException">A symbolic link loop.</exception>
    public static string Resolve(string path)
    {
        // No lexical normalisation: "link/.." must mean the parent of the link's target, as the kernel reads it.
        var full = Path.IsPathFullyQualified(path) ? path : Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        PushSegments(pending, full[root.Length..]);
        var resolved = root;
        var expansions = 0;

        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                // ".." applies to the already-resolved directory, exactly as the kernel does after a link.
                resolved = Path.GetDirectoryName(resolved) ?? root;
                continue;
            }

            var candidate = Path.Join(resolved, segment);
            var kind = FileKindProbe.Of(candidate);
            if (kind == FileKind.Missing) throw new FileNotFoundException($"'{candidate}' does not exist", candidate);
            if (kind != FileKind.Symlink)
            {
                resolved = candidate;
                continue;
            }

            if (++expansions > MaxLinkExpansions)
                throw new IOException($"too many levels of symbolic links while resolving '{path}'");
            var target = new FileInfo(candidate).LinkTarget
                         ?? throw new IOException($"cannot read symbolic link '{candidate}'");
            if (Path.IsPathRooted(target))
            {
                resolved = Path.GetPathRoot(target)!;
                PushSegments(pending, target[resolved.Length..]);
            }
            else
            {
                PushSegments(pending, target); // relative to the directory holding the link
            }
        }
        return resolved;
    }

    private static void PushSegments(Stack<string> pending, string relative)
    {
        var segments = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (var i = segments.Length - 1; i >= 0; i--) pending.Push(segments[i]);
    }
}
