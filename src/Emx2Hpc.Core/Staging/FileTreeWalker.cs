using Emx2Hpc.Core.FileSystem;
namespace Emx2Hpc.Core.Staging;

internal enum TreeEntryKind { File, Symlink, Special, Unreadable, BadName }

/// <summary>One non-directory entry found below a walked root; RelativePath uses '/' separators.</summary>
internal sealed record TreeEntry(string RelativePath, string FullPath, TreeEntryKind Kind, string? Problem = null);

/// <summary>Recursive directory walk that never follows symbolic links. Links (to files or directories) and special
/// files are reported as such instead of being entered or read, because both posix inputs and workload outputs
/// are controlled by users and a followed link can point anywhere on the cluster.</summary>
internal static class FileTreeWalker
{
    private static readonly EnumerationOptions ListOnce = new()
    {
        AttributesToSkip = 0, // dot-files are ordinary files here
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
        MatchType = MatchType.Simple,
    };

    public static IEnumerable<TreeEntry> Walk(string root)
    {
        var pending = new Stack<(string Full, string Relative)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (directory, relative) = pending.Pop();
            string[] names;
            string? problem = null;
            try
            {
                names = Directory.EnumerateFileSystemEntries(directory, "*", ListOnce)
                    .Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                names = [];
                problem = e.Message;
            }
            if (problem is not null)
            {
                yield return new TreeEntry(relative, directory, TreeEntryKind.Unreadable, problem);
                continue;
            }

            // .NET decodes names as UTF-8 with replacement: a name that is not valid UTF-8 comes back with U+FFFD, and
            // its decoded path then names nothing or, worse, a different file spelled with a real U+FFFD. Such names
            // (and every name they collide with) are reported, never opened.
            var ambiguous = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)
                .ToHashSet(StringComparer.Ordinal);
            var subdirectories = new List<(string, string)>();
            foreach (var name in names.Distinct(StringComparer.Ordinal))
            {
                var full = Path.Join(directory, name);
                var entryRelative = relative.Length == 0 ? name : relative + "/" + name;
                if (ambiguous.Contains(name))
                {
                    yield return new TreeEntry(entryRelative, full, TreeEntryKind.BadName, "file name is not valid UTF-8 (several entries decode to it)");
                    continue;
                }
                var kind = FileKindProbe.Of(full);
                if (kind == FileKind.Missing && name.Contains('\uFFFD'))
                {
                    yield return new TreeEntry(entryRelative, full, TreeEntryKind.BadName, "file name is not valid UTF-8");
                    continue;
                }
                switch (kind)
                {
                    case FileKind.Directory: subdirectories.Add((full, entryRelative)); break;
                    case FileKind.Regular: yield return new TreeEntry(entryRelative, full, TreeEntryKind.File); break;
                    case FileKind.Symlink: yield return new TreeEntry(entryRelative, full, TreeEntryKind.Symlink); break;
                    case FileKind.Special: yield return new TreeEntry(entryRelative, full, TreeEntryKind.Special); break;
                    // Missing: removed between listing and inspection; nothing to report.
                }
            }
            // Reverse so the stack pops subdirectories in name order (keeps the walk deterministic).
            for (var i = subdirectories.Count - 1; i >= 0; i--) pending.Push(subdirectories[i]);
        }
    }
}
