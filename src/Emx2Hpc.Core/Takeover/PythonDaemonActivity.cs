namespace Emx2Hpc.Core.Takeover;

/// <summary>Signs that the Python emx2-hpc-daemon may still act on the cluster. It holds no lock file (REFERENCE-DAEMON
/// §3.16), so what can be seen is a running process and an active cron line naming it; importing while either exists
/// would let two daemons work the same jobs.</summary>
public static class PythonDaemonActivity
{
    private static readonly string[] Names = ["emx2-hpc-daemon", "emx2_hpc_daemon"];

    /// <param name="procRoot">/proc (tests pass a directory of their own).</param>
    /// <param name="cronFiles">Cron tables to read; by default /etc/crontab, /etc/cron.d/* and the user crontabs that are readable.</param>
    public static IReadOnlyList<string> Find(string procRoot = "/proc", IEnumerable<string>? cronFiles = null)
    {
        var signs = new List<string>();
        if (Directory.Exists(procRoot))
            foreach (var dir in Directory.EnumerateDirectories(procRoot))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
                var cmdline = TryRead(Path.Combine(dir, "cmdline"))?.Replace('\0', ' ').Trim();
                if (cmdline is not null && Names.Any(n => cmdline.Contains(n, StringComparison.Ordinal)))
                    signs.Add($"process {pid} is running: {cmdline}");
            }
        foreach (var file in cronFiles ?? DefaultCronFiles())
        {
            var text = TryRead(file);
            if (text is null) continue;
            foreach (var line in text.Split('\n').Select(l => l.Trim()))
                if (line.Length > 0 && !line.StartsWith('#') && Names.Any(n => line.Contains(n, StringComparison.Ordinal)))
                    signs.Add($"cron entry in {file}: {line}");
        }
        return signs;
    }

    private static IEnumerable<string> DefaultCronFiles()
    {
        yield return "/etc/crontab";
        foreach (var dir in new[] { "/etc/cron.d", "/var/spool/cron/crontabs", "/var/spool/cron" })
            if (Directory.Exists(dir))
                foreach (var file in SafeList(dir)) yield return file;
    }

    private static IEnumerable<string> SafeList(string dir)
    {
        try { return Directory.EnumerateFiles(dir).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static string? TryRead(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
