using System.Text.Json;
using Emx2Hpc.Core.FileSystem;
using Emx2Hpc.Core.Scheduling;
using Microsoft.Win32.SafeHandles;

namespace Emx2Hpc.Core.Staging;

/// <summary>Result of one look at the progress file: the newest report among the bytes read (null when there was
/// nothing new or nothing valid) and the offset to persist and pass to the next read.</summary>
public sealed record ProgressReadResult(ProgressUpdate? Update, long Offset);

/// <summary>Reads the workload's progress feed (<c>output/.hpc_progress.jsonl</c>, one JSON object per line)
/// incrementally. Only bytes after the remembered offset are read, and of those at most the last 64 KiB, so a
/// chatty or hostile workload cannot make each cycle slower or the worker bigger (the reference re-read and
/// MD5-hashed the whole file every cycle). The newest valid JSON object wins.</summary>
public static class ProgressReader
{
    public const string FileName = ".hpc_progress.jsonl";

    /// <summary>Most bytes read per call; far more than the last few lines, which are all that matter.</summary>
    public const int MaxReadBytes = 64 * 1024;

    private const byte NewLine = (byte)'\n';

    /// <summary>Reads <c>output/.hpc_progress.jsonl</c>, reached by descriptor from the job directory: an output
    /// directory that is not a real directory (a host-mode workload can replace it with a link to anywhere) reads as
    /// "no progress", as OutputCollector treats it.</summary>
    public static ProgressReadResult Read(JobDirectories dirs, long offset)
    {
        try
        {
            using var job = DirectoryHandle.Open(dirs.Root);
            using var output = job.OpenDirectory(Path.GetFileName(dirs.Output));
            return ReadFrom(output, FileName, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e is FileSystemException { WasLink: true } or FileSystemException { Errno: Libc.ENOTDIR }
                ? new ProgressReadResult(null, 0)
                : new ProgressReadResult(null, Math.Max(offset, 0));
        }
    }

    /// <param name="path">The progress file. Anything but a regular file with one link (missing, a directory, a
    /// link the workload planted, a FIFO, a hard link to somebody else's file) reads as "no progress" with offset
    /// 0. The open never blocks: O_NONBLOCK makes a FIFO open return at once, and it is refused by fstat.</param>
    /// <param name="offset">What the previous call returned (0 the first time). An offset beyond the end means the
    /// file was truncated or replaced: reading starts over.</param>
    public static ProgressReadResult ReadFile(string path, long offset)
    {
        try
        {
            using var directory = DirectoryHandle.Open(Path.GetDirectoryName(Path.GetFullPath(path))!, followLinks: true);
            return ReadFrom(directory, Path.GetFileName(path), offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProgressReadResult(null, Math.Max(offset, 0)); // try again next cycle
        }
    }

    private static ProgressReadResult ReadFrom(DirectoryHandle directory, string name, long offset)
    {
        SafeFileHandle handle;
        try
        {
            handle = directory.OpenFileForReading(name);
        }
        catch (FileSystemException e) when (e.Errno is Libc.ENOENT or Libc.ELOOP)
        {
            return new ProgressReadResult(null, 0);
        }
        using (handle)
        {
            var status = DirectoryHandle.Status(handle);
            if (status.Kind != FileKind.Regular || status.LinkCount > 1) return new ProgressReadResult(null, 0);
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 1);
            return ReadNew(stream, offset);
        }
    }

    private static ProgressReadResult ReadNew(FileStream stream, long offset)
    {
        var length = stream.Length;
        if (offset < 0 || offset > length) offset = 0;
        if (offset == length) return new ProgressReadResult(null, offset);

        var start = Math.Max(offset, length - MaxReadBytes);
        var startsMidLine = false;
        if (start > offset)
        {
            stream.Position = start - 1;
            startsMidLine = stream.ReadByte() != NewLine;
        }
        stream.Position = start;
        var buffer = new byte[length - start];
        var count = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); // it may shrink meanwhile

        var first = 0;
        if (startsMidLine)
        {
            var newline = Array.IndexOf(buffer, NewLine, 0, count);
            if (newline < 0) return new ProgressReadResult(null, start + count); // one giant line: garbage, skip it
            first = newline + 1;
        }
        var lastNewline = count == 0 ? -1 : Array.LastIndexOf(buffer, NewLine, count - 1, count - first);
        var completeEnd = lastNewline < first ? first : lastNewline + 1;
        var nextOffset = start + completeEnd;

        // The bytes after the last newline are a line still being written, or a last line written without '\n'.
        // A JSON object is self-delimiting: if they parse, the line is complete and the newest; it stays unconsumed
        // so the next read does not mistake its eventual newline for the start of a new line.
        if (TryParseLine(buffer, completeEnd, count, out var update)) return new ProgressReadResult(update, nextOffset);

        var end = completeEnd;
        while (end > first)
        {
            var lineEnd = end - 1; // at the newline that ends this line
            var lineStart = lineEnd == first ? first : Array.LastIndexOf(buffer, NewLine, lineEnd - 1, lineEnd - first) + 1;
            if (lineStart < first) lineStart = first;
            if (TryParseLine(buffer, lineStart, lineEnd, out update)) return new ProgressReadResult(update, nextOffset);
            end = lineStart;
        }
        return new ProgressReadResult(null, nextOffset);
    }

    /// <summary>True when bytes [from, to) hold a JSON object (blank, partial, non-UTF-8 and non-object lines are
    /// not); <paramref name="update"/> is its sanitised content, null when nothing usable was in it.</summary>
    private static bool TryParseLine(byte[] buffer, int from, int to, out ProgressUpdate? update)
    {
        update = null;
        while (from < to && IsBlank(buffer[from])) from++;
        if (to - from >= 3 && buffer[from] == 0xEF && buffer[from + 1] == 0xBB && buffer[from + 2] == 0xBF) from += 3;
        while (to > from && IsBlank(buffer[to - 1])) to--;
        if (to - from < 2 || buffer[from] != (byte)'{') return false;
        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(from, to - from));
            if (document.RootElement.ValueKind != JsonValueKind.Object) return false;
            update = ProgressSanitizer.FromJson(document.RootElement);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: string content is only decoded on access, so invalid UTF-8 or a lone
            // escaped surrogate inside a value surfaces while sanitising. Either way the line is garbage.
            update = null;
            return false;
        }
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
