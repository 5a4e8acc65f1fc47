using System.Reflection;

namespace Emx2Hpc.Tests.E2E.Support;

/// <summary>Finds the emx2-hpc CLI the scenarios run. By default the one built together with this test assembly: the
/// same configuration (Debug locally, Release in CI, which runs `dotnet test --no-build -c Release`) and target
/// framework, src/Emx2Hpc.Cli/bin/&lt;Configuration&gt;/&lt;tfm&gt;/emx2-hpc.dll, run by `dotnet`.
/// EMX2HPC_CLI names another: a native program (the published, ahead-of-time compiled CLI, as CI runs it, which is
/// what users install) or a .dll, which is run by `dotnet`.</summary>
public static class CliLocator
{
    public const string OverrideVariable = "EMX2HPC_CLI";

    public static string Configuration => Metadata("Emx2Hpc.BuildConfiguration") ?? "Debug";
    public static string TargetFramework => Metadata("Emx2Hpc.TargetFramework") ?? "net10.0";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The command line that starts the CLI; the command's own arguments follow it.</summary>
    public static IReadOnlyList<string> Command()
    {
        var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            var path = Path.GetFullPath(overridden);
            if (!File.Exists(path)) throw new FileNotFoundException($"{OverrideVariable}={overridden}: no such file", path);
            return path.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", path] : [path];
        }
        var expected = Path.Combine(RepositoryRoot, "src", "Emx2Hpc.Cli", "bin", Configuration, TargetFramework, "emx2-hpc.dll");
        if (File.Exists(expected)) return ["dotnet", expected];
        throw new FileNotFoundException(
            $"emx2-hpc.dll not found at {expected}. Build the CLI with the same configuration as the tests " +
            $"(dotnet build -c {Configuration}) or set {OverrideVariable}.", expected);
    }

    public static string ScriptsDirectory => Path.Combine(RepositoryRoot, "e2e", "scripts");

    private static string? Metadata(string key) =>
        typeof(CliLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Emx2Hpc.sln")) && Directory.Exists(Path.Combine(dir.FullName, "e2e", "scripts")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no parent of {AppContext.BaseDirectory} holds Emx2Hpc.sln and e2e/scripts");
    }
}
