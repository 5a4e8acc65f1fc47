using Emx2Hpc.Core.Configuration;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Configuration;

/// <summary>A temporary directory deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("emx2hpc-config-").FullName;
    }

    public string Path { get; }

    public string Write(string name, string content, UnixFileMode? mode = null)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(file, m);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

internal static class ConfigTestSupport
{
    public const string BaseDir = "/etc/emx2-hpc";
    public const string Source = "config.yaml";
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>An environment with only what the test gives (plus a fixed HOME), so results never depend on
    /// the machine running the tests.</summary>
    public static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        map.TryAdd("HOME", "/home/tester");
        return name => map.GetValueOrDefault(name);
    }

    public static ConfigLoadOptions Options(params (string Name, string Value)[] variables)
        => new() { GetEnvironmentVariable = Env(variables) };

    public static HpcConfig Load(string yaml, params (string Name, string Value)[] variables)
        => HpcConfigLoader.LoadText(yaml, Source, BaseDir, Options(variables));

    public static IReadOnlyList<ConfigError> Errors(string yaml, params (string Name, string Value)[] variables)
        => Assert.Throws<ConfigException>(() => Load(yaml, variables)).Errors;

    public static ConfigError SingleError(string yaml, params (string Name, string Value)[] variables)
    {
        var errors = Errors(yaml, variables);
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    /// <summary>A valid host profile, for tests that only care about one field.</summary>
    public static string HostProfile(string key, params string[] extraLines)
        => $"  \"{key}\":\n    host_entrypoint: /opt/run\n" + string.Concat(extraLines.Select(l => $"    {l}\n"));

    public static string FixturePath(string name, [System.Runtime.CompilerServices.CallerFilePath] string here = "")
        => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(here)!, "Fixtures", name);
}
