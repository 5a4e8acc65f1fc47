using System.Diagnostics;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>Builds the module folder once per test run, exactly as CI does (build/layout-module.sh: dotnet publish +
/// layout + help generation), into a temporary directory. The tests project does not reference the cmdlet project,
/// so everything here is checked on the shipped files rather than on a test-time build of them.</summary>
public sealed class ModuleLayoutFixture : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("emx2hpc-module-").FullName;

    public ModuleLayoutFixture()
    {
        RepoRoot = FindRepoRoot();
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var (exit, stdout, stderr) = RunLayout(configuration);
        if (exit != 0) throw new InvalidOperationException($"build/layout-module.sh failed ({exit}):\n{stderr}\n{stdout}");
        ModuleDirectory = stdout.Trim().Split('\n').Last().Trim();
        PublishDirectory = Path.Combine(_root, "publish", "Emx2Hpc.PowerShell");
        _metadata = new Lazy<CmdletMetadata>(() => new CmdletMetadata(CmdletAssemblyPath, DependencyDirectory, SmaReferencePath));
    }

    private readonly Lazy<CmdletMetadata> _metadata;

    /// <summary>The built cmdlet assembly, read as metadata only.</summary>
    public CmdletMetadata Metadata => _metadata.Value;

    /// <summary>The folder layout-module.sh wrote into (holds Emx2Hpc/&lt;version&gt;/ and publish/).</summary>
    public string OutputRoot => _root;

    public string RepoRoot { get; }

    /// <summary>out/Emx2Hpc/&lt;version&gt;/ in the temporary output.</summary>
    public string ModuleDirectory { get; }

    public string PublishDirectory { get; }
    public string DependencyDirectory => Path.Combine(ModuleDirectory, "Dependencies");
    public string CmdletAssemblyPath => Path.Combine(ModuleDirectory, "Emx2Hpc.PowerShell.dll");
    public string XmlDocPath => Path.Combine(PublishDirectory, "Emx2Hpc.PowerShell.xml");
    public string ManifestPath => Path.Combine(ModuleDirectory, "Emx2Hpc.psd1");

    /// <summary>The compile-time System.Management.Automation (PowerShellStandard.Library) from the NuGet cache.</summary>
    public string SmaReferencePath
    {
        get
        {
            var props = File.ReadAllText(Path.Combine(RepoRoot, "Directory.Packages.props"));
            var version = System.Text.RegularExpressions.Regex
                .Match(props, "Include=\"PowerShellStandard.Library\" Version=\"([^\"]+)\"").Groups[1].Value;
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(packages, "powershellstandard.library", version, "lib", "netstandard2.0", "System.Management.Automation.dll");
        }
    }

    public void Dispose()
    {
        if (_metadata.IsValueCreated) _metadata.Value.Dispose();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { /* best effort: a loaded native library may still be mapped */ }
        catch (UnauthorizedAccessException) { }
    }

    private (int Exit, string Stdout, string Stderr) RunLayout(string configuration)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepoRoot, "build", "layout-module.sh"), "-c", configuration, "-o", _root },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        // The test host's MSBuild variables would point the nested build at the test run's SDK internals.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("build/layout-module.sh did not finish within 10 minutes");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Emx2Hpc.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Emx2Hpc.sln) not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ModuleCollection : ICollectionFixture<ModuleLayoutFixture>
{
    public const string Name = "PowerShell module layout";
}
