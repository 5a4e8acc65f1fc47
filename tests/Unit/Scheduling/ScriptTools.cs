using Emx2Hpc.Core.Scheduling.Processes;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>Helpers for tests that run generated scripts with the real bash.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class ScriptTools
{
    public const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static string WriteExecutable(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, Executable);
        return path;
    }

    /// <summary>A fake entrypoint that records its argv and environment NUL-separated (byte-exact) and its
    /// working directory, into <c>$dumpDir/args|env|pwd</c>. Writes 30 numbered stderr lines and exits with
    /// FAKE_EXIT when that variable is set.</summary>
    public static string WriteDumpEntrypoint(string path, string dumpDir) => WriteExecutable(path, $$"""
        #!/bin/bash
        dump='{{dumpDir}}'
        mkdir -p "$dump"
        : > "$dump/args"
        for a in "$@"; do printf '%s\0' "$a" >> "$dump/args"; done
        env -0 > "$dump/env"
        pwd > "$dump/pwd"
        echo "entrypoint stdout"
        if [ -n "${FAKE_EXIT:-}" ]; then
          for i in $(seq 1 30); do echo "stderr line $i" >&2; done
          exit "$FAKE_EXIT"
        fi
        """);

    public static IReadOnlyList<string> ReadArgs(string dumpDir) => Split(File.ReadAllText(Path.Combine(dumpDir, "args")));

    public static IReadOnlyDictionary<string, string> ReadEnv(string dumpDir) =>
        Split(File.ReadAllText(Path.Combine(dumpDir, "env")))
            .Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private static List<string> Split(string nulSeparated)
    {
        var items = nulSeparated.Split('\0').ToList();
        if (items.Count > 0 && items[^1].Length == 0) items.RemoveAt(items.Count - 1);
        return items;
    }

    public static Task<ProcessResult> RunBashAsync(string scriptPath, IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        var env = new Dictionary<string, string>(ChildEnvironment.FromCurrentProcess(), StringComparer.Ordinal);
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>()) env[k] = v;
        return new ProcessRunner(env).RunAsync(new ProcessCommand("bash", [scriptPath], TimeSpan.FromSeconds(30)), CancellationToken.None);
    }
}
