using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.FileSystem;

/// <summary>Why an entry was not handed out as a file.</summary>
public enum WalkProblem { SymbolicLink, SpecialFile, HardLink, BadName, UnreadableDirectory, TooDeep, PathTooLong, TooManyEntries, TooLarge }

/// <summary>One item of a walk: either an open, checked regular file (<see cref="Handle"/> set) or a refused entry
/// (<see cref="Problem"/> set). RelativePath uses '/' separators.</summary>
public sealed record WalkItem(string RelativePath, SafeFileHandle? Handle, FileStatus Status, WalkProblem? Problem = null, string? Detail = null);

/// <summary>Limits of one walk. Entries counts files and directories, so a million empty directories stop the walk
/// as surely as a million files; Bytes is the sum of logical file sizes (sparse files count in full).</summary>
public sealed record WalkLimits
{
    public int MaxDepth { get; init; } = 64;
    /// <summary>Directories whose relative path is longer are not entered (nothing below them could be named).</summary>
    public int MaxPathLength { get; init; } = 4096;
    public long MaxEntries { get; init; } = long.MaxValue;
    public long MaxBytes { get; init; } = long.MaxValue;
    /// <summary>Refuse regular files with more than one link: in a job-writable tree a hard link is a way to get
    /// a file from anywhere on the same file system (the worker's secret) uploaded under an innocent name.</summary>
    public bool RefuseHardLinks { get; init; } = true;
    /// <summary>Also hand out each directory, before anything below it, as an item with no handle and no problem
    /// (whoever mirrors a tree needs its empty directories too).</summary>
    public bool ReportDirectories { get; init; }
    /// <summary>Top-level names the walk leaves out (e.g. log files collected separately).</summary>
    public Func<string, bool>? SkipTopLevel { get; init; }
}

/// <summary>Walks a directory tree by descriptor: each directory is opened relative to its parent's descriptor with
/// O_NOFOLLOW|O_DIRECTORY, each file with O_NOFOLLOW|O_NONBLOCK, and what was opened is checked by fstat on the
/// descriptor. A component swapped for a link between listing and opening (including a renameat2 RENAME_EXCHANGE
/// of a subdirectory) fails the open with ELOOP/ENOTDIR instead of redirecting it, so nothing outside the root is
/// ever opened. The caller owns every returned handle. Names are visited in byte order (deterministic).</summary>
public static class SafeTreeWalker
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<WalkItem> Walk(DirectoryHandle root, WalkLimits limits, CancellationToken ct = default)
    {
        long entries = 0, bytes = 0;
        var pending = new Stack<(DirectoryHandle Dir, string Relative, int Depth, bool Owned)>();
        pending.Push((root, "", 0, false));
        try
        {
            while (pending.Count > 0)
            {
                var (dir, relative, depth, owned) = pending.Pop();
                var subdirectories = new List<(DirectoryHandle, string, int, bool)>();
                try
                {
                    var (names, listError) = List(dir);
                    if (listError is not null) yield return Refused(relative, WalkProblem.UnreadableDirectory, listError);
                    foreach (var raw in names.OrderBy(n => n, ByteOrder.Instance))
                    {
                        ct.ThrowIfCancellationRequested();
                        var name = Decode(raw);
                        if (name is null)
                        {
                            // A name with U+FFFD is refused too: .NET would show an invalid name with that character,
                            // so the two could not be told apart in a report or on the server.
                            yield return Refused(Join(relative, Escaped(raw)), WalkProblem.BadName, "file name is not valid UTF-8");
                            continue;
                        }
                        var path = Join(relative, name);
                        if (depth == 0 && limits.SkipTopLevel?.Invoke(name) == true) continue;
                        if (++entries > limits.MaxEntries)
                        {
                            yield return Refused(path, WalkProblem.TooManyEntries, $"more than {limits.MaxEntries} files and directories");
                            yield break;
                        }
                        var item = Visit(dir, raw, path, limits, out var subdirectory);
                        if (subdirectory is not null)
                        {
                            if (path.Length > limits.MaxPathLength)
                            {
                                subdirectory.Dispose();
                                yield return Refused(path, WalkProblem.PathTooLong, $"directory path is longer than {limits.MaxPathLength} characters");
                                continue;
                            }
                            if (depth + 1 > limits.MaxDepth)
                            {
                                subdirectory.Dispose();
                                yield return Refused(path, WalkProblem.TooDeep, $"directories nested deeper than {limits.MaxDepth} levels");
                                continue;
                            }
                            subdirectories.Add((subdirectory, path, depth + 1, true));
                            if (limits.ReportDirectories) yield return new WalkItem(path, null, subdirectory.Status());
                            continue;
                        }
                        if (item!.Handle is not null && (bytes += item.Status.Size) > limits.MaxBytes)
                        {
                            item.Handle.Dispose();
                            yield return Refused(path, WalkProblem.TooLarge, $"files add up to more than {limits.MaxBytes} bytes");
                            yield break;
                        }
                        yield return item;
                    }
                }
                finally
                {
                    if (owned) dir.Dispose();
                }
                for (var i = subdirectories.Count - 1; i >= 0; i--) pending.Push(subdirectories[i]);
                subdirectories.Clear();
            }
        }
        finally
        {
            while (pending.Count > 0)
            {
                var (dir, _, _, owned) = pending.Pop();
                if (owned) dir.Dispose();
            }
        }
    }

    /// <summary>Opens one entry: a directory comes back in <paramref name="subdirectory"/>, a checked regular file as
    /// an item with its handle, anything else as a refusal. Type is decided on the opened descriptor, not on the
    /// listing.</summary>
    private static WalkItem? Visit(DirectoryHandle dir, byte[] raw, string path, WalkLimits limits, out DirectoryHandle? subdirectory)
    {
        subdirectory = null;
        FileStatus? listed;
        try
        {
            listed = dir.StatusOf(raw);
        }
        catch (IOException e)
        {
            return Refused(path, WalkProblem.UnreadableDirectory, e.Message);
        }
        if (listed is null) return Refused(path, WalkProblem.UnreadableDirectory, "disappeared while being collected");
        switch (listed.Value.Kind)
        {
            case FileKind.Symlink:
                return Refused(path, WalkProblem.SymbolicLink, "symbolic link");
            case FileKind.Special:
                // Never opened: opening a device can have side effects, and a FIFO is refused anyway.
                return Refused(path, WalkProblem.SpecialFile, listed.Value.TypeName);
            case FileKind.Directory:
                try
                {
                    subdirectory = dir.OpenDirectory(raw, path);
                    return null;
                }
                catch (FileSystemException e)
                {
                    return Refused(path, e.Errno is Libc.ELOOP or Libc.ENOTDIR ? WalkProblem.SymbolicLink : WalkProblem.UnreadableDirectory,
                        e.Errno is Libc.ELOOP or Libc.ENOTDIR ? "replaced by a symbolic link while being collected" : e.Message);
                }
        }

        SafeFileHandle handle;
        try
        {
            handle = dir.OpenFileForReading(raw, path);
        }
        catch (FileSystemException e) when (e.WasLink)
        {
            return Refused(path, WalkProblem.SymbolicLink, "replaced by a symbolic link while being collected");
        }
        catch (IOException e)
        {
            return Refused(path, WalkProblem.UnreadableDirectory, e.Message);
        }
        var opened = DirectoryHandle.Status(handle, path);
        if (opened.Kind != FileKind.Regular)
        {
            handle.Dispose();
            return Refused(path, opened.Kind == FileKind.Directory ? WalkProblem.SymbolicLink : WalkProblem.SpecialFile,
                $"{opened.TypeName} (changed while being collected)");
        }
        if (limits.RefuseHardLinks && opened.LinkCount > 1)
        {
            handle.Dispose();
            return Refused(path, WalkProblem.HardLink, $"hard link ({opened.LinkCount} names for one file)");
        }
        return new WalkItem(path, handle, opened);
    }

    private static (IReadOnlyList<byte[]> Names, string? Error) List(DirectoryHandle dir)
    {
        try
        {
            return (dir.ListNames(), null);
        }
        catch (IOException e)
        {
            return ([], e.Message);
        }
    }

    private static string? Decode(byte[] raw)
    {
        try
        {
            var name = StrictUtf8.GetString(raw);
            return name.Contains('\uFFFD') ? null : name;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static WalkItem Refused(string path, WalkProblem problem, string detail) => new(path, null, default, problem, detail);

    private static string Join(string relative, string name) => relative.Length == 0 ? name : relative + "/" + name;

    /// <summary>Shows a non-UTF-8 name with its invalid bytes as \xNN, so the refusal names the entry exactly.</summary>
    internal static string Escaped(byte[] raw)
    {
        var builder = new StringBuilder();
        foreach (var b in raw)
            builder.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}");
        return builder.ToString();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
