namespace Emx2Hpc.Core.Metrics;

/// <summary>Writes the node_exporter textfile: to a temporary file in the same directory, flushed to disk, then
/// renamed over the target, so node_exporter never reads a half-written file (its documented requirement).</summary>
public static class MetricsTextfile
{
    public static async Task WriteAsync(WorkerMetrics metrics, string path, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        // The name does not end in .prom, so node_exporter ignores it while it is being written.
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        var text = await metrics.ExportTextAsync(ct).ConfigureAwait(false);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        // node_exporter runs as its own user and must read the file; it holds counts and profile names, no secret.
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        try
        {
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
