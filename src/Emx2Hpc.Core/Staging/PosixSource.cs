using Emx2Hpc.Core.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Staging;

/// <summary>A posix input's location, opened by descriptor from inside an allowed root. The content_url comes from an
/// EMX2 user, so it is resolved (every link followed) and must land inside a root; then the resolved path is opened
/// again one component at a time from a descriptor of that root, each with O_NOFOLLOW, so a component renamed or
/// swapped for a link after the check fails the open instead of leading outside. From here on only the descriptor is
/// used: renames after this point cannot change what is read.</summary>
internal sealed class PosixSource : IDisposable
{
    public required string ResolvedPath { get; init; }
    /// <summary>Set when the input is one regular file (checked by fstat on this descriptor).</summary>
    public SafeFileHandle? File { get; init; }
    /// <summary>Set when the input is a directory.</summary>
    public DirectoryHandle? Directory { get; init; }

    public static PosixSource Open(string id, string location, IReadOnlyList<string> allowedRoots)
    {
        string real;
        try
        {
            real = RealPath.Resolve(location);
        }
        catch (FileNotFoundException)
        {
            throw new StagingException($"posix input {id}: '{PathSafety.Describe(location)}' does not exist on this cluster");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StagingException($"posix input {id}: cannot resolve '{PathSafety.Describe(location)}': {e.Message}", e);
        }

        var roots = allowedRoots.Select(ResolvedRoot).ToList();
        var root = roots.Where(r => PathSafety.IsSameOrInside(r, real)).OrderByDescending(r => r.Length).FirstOrDefault()
                   ?? throw new StagingException(
                       $"posix input {id}: '{PathSafety.Describe(location)}' resolves to '{PathSafety.Describe(real)}', " +
                       $"which is outside staging.allowed_posix_roots ({string.Join(", ", roots)})");
        try
        {
            return Descend(id, root, real);
        }
        catch (FileSystemException e) when (e.Errno is Libc.ELOOP or Libc.ENOTDIR or Libc.ENOENT)
        {
            throw new StagingException(
                $"posix input {id}: '{PathSafety.Describe(real)}' changed while being staged ({e.Message}); it was not read", e);
        }
        catch (IOException e)
        {
            throw new StagingException($"posix input {id}: cannot open '{PathSafety.Describe(real)}': {e.Message}", e);
        }
    }

    private static PosixSource Descend(string id, string root, string real)
    {
        // The root is the administrator's (it may itself be a link, e.g. /data -> /mnt/lustre/data); below it nothing
        // is followed.
        var dir = DirectoryHandle.Open(root, followLinks: true);
        var segments = real.Length == root.Length ? [] : real[(root.Length == 1 ? 1 : root.Length + 1)..].Split('/');
        try
        {
            for (var i = 0; i < segments.Length - 1; i++)
            {
                var next = dir.OpenDirectory(segments[i]);
                dir.Dispose();
                dir = next;
            }
            if (segments.Length == 0)
            {
                var whole = dir;
                dir = null;
                return new PosixSource { ResolvedPath = real, Directory = whole };
            }
            var last = segments[^1];
            var listed = dir.StatusOf(last) ?? throw new FileSystemException(real, Libc.ENOENT);
            switch (listed.Kind)
            {
                case FileKind.Directory:
                    return new PosixSource { ResolvedPath = real, Directory = dir.OpenDirectory(last) };
                case FileKind.Regular:
                    var handle = dir.OpenFileForReading(last);
                    if (DirectoryHandle.Status(handle, real).Kind == FileKind.Regular)
                        return new PosixSource { ResolvedPath = real, File = handle };
                    handle.Dispose();
                    break;
                case FileKind.Symlink:
                    throw new FileSystemException(real, Libc.ELOOP);
            }
            // Never opened: opening a device can have side effects, and a FIFO would block the job.
            throw new StagingException($"posix input {id}: '{PathSafety.Describe(real)}' is not a regular file or directory");
        }
        finally
        {
            dir?.Dispose();
        }
    }

    // Roots may themselves be links (/data -> /mnt/lustre/data); compare against what they resolve to.
    private static string ResolvedRoot(string root)
    {
        try
        {
            return RealPath.Resolve(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.GetFullPath(root);
        }
    }

    public void Dispose()
    {
        File?.Dispose();
        Directory?.Dispose();
    }
}
