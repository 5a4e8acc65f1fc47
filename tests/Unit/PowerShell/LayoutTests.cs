using System.Diagnostics;
using System.IO.Compression;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>The module folder layout-module.sh produces: what pwsh loads directly, what is isolated in Dependencies/,
/// and the flat native folders.</summary>
[Collection(ModuleCollection.Name)]
public sealed class LayoutTests(ModuleLayoutFixture module)
{
    public static TheoryData<string, string> NativeLibraries => new()
    {
        { "linux-x64", "libe_sqlite3.so" },
        { "linux-arm64", "libe_sqlite3.so" },
        { "osx-arm64", "libe_sqlite3.dylib" },
        { "win-x64", "e_sqlite3.dll" },
    };

    [Fact]
    public void Module_root_holds_only_what_pwsh_reads_directly()
    {
        var entries = Directory.EnumerateFileSystemEntries(module.ModuleDirectory).Select(Path.GetFileName).Order();
        Assert.Equal(
            new[]
            {
                "Dependencies", "Emx2Hpc.PowerShell.dll", "Emx2Hpc.PowerShell.pdb", "Emx2Hpc.format.ps1xml", "Emx2Hpc.psd1",
                "en-US", "linux-arm64", "linux-x64", "osx-arm64", "win-x64",
            }.Order(StringComparer.Ordinal),
            entries.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Emx2Hpc.Core.dll")]
    [InlineData("YamlDotNet.dll")]
    [InlineData("Microsoft.Data.Sqlite.dll")]
    [InlineData("SQLitePCLRaw.core.dll")]
    [InlineData("SQLitePCLRaw.provider.e_sqlite3.dll")]
    [InlineData("SQLitePCLRaw.batteries_v2.dll")]
    public void Core_and_third_party_assemblies_are_isolated_in_Dependencies(string file)
    {
        Assert.True(File.Exists(Path.Combine(module.DependencyDirectory, file)), $"Dependencies/{file} missing");
        // Next to the cmdlet dll it would be found by the default load context and defeat the isolation.
        Assert.False(File.Exists(Path.Combine(module.ModuleDirectory, file)), $"{file} must not sit next to the cmdlet dll");
    }

    [Theory]
    [MemberData(nameof(NativeLibraries))]
    public void Native_sqlite_is_in_a_flat_rid_folder(string rid, string file)
    {
        var path = Path.Combine(module.ModuleDirectory, rid, file);
        Assert.True(File.Exists(path), $"{rid}/{file} missing");
        Assert.True(new FileInfo(path).Length > 100_000, $"{rid}/{file} is suspiciously small");
    }

    [Fact]
    public void Neither_PowerShell_itself_nor_a_deps_json_is_shipped()
    {
        var files = Directory.EnumerateFiles(module.ModuleDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("System.Management.Automation.dll", files);
        Assert.DoesNotContain(files, f => f!.EndsWith(".deps.json", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(module.ModuleDirectory, "runtimes")), "runtimes/ is not probed by pwsh; natives belong in <rid>/");
    }

    [Fact]
    public void Help_files_are_shipped()
    {
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "en-US", "about_Emx2Hpc.help.txt")));
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "en-US", "Emx2Hpc.PowerShell.dll-Help.xml")));
    }

    [Fact]
    public async Task Package_zip_unzips_into_a_PSModulePath_folder()
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(module.RepoRoot, "build", "package-module.sh"), "--no-layout", "-o", module.OutputRoot },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var zipPath = (await process.StandardOutput.ReadToEndAsync()).Trim().Split('\n').Last();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(Path.Combine(module.OutputRoot, "Emx2Hpc-0.1.0.zip"), zipPath);

        using var zip = ZipFile.OpenRead(zipPath);
        var names = zip.Entries.Where(e => e.Length > 0).Select(e => e.FullName).ToList();
        Assert.All(names, n => Assert.StartsWith("Emx2Hpc/0.1.0/", n));
        Assert.Contains("Emx2Hpc/0.1.0/Emx2Hpc.psd1", names);
        Assert.Contains("Emx2Hpc/0.1.0/Emx2Hpc.PowerShell.dll", names);
        Assert.Contains("Emx2Hpc/0.1.0/Dependencies/Emx2Hpc.Core.dll", names);
        Assert.Contains("Emx2Hpc/0.1.0/linux-x64/libe_sqlite3.so", names);
        var onDisk = Directory.EnumerateFiles(module.ModuleDirectory, "*", SearchOption.AllDirectories).Count();
        Assert.Equal(onDisk, names.Count);
    }
}
