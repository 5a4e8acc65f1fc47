using System.Text.RegularExpressions;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>module/Emx2Hpc.psd1 as shipped in the module folder, read as text (no pwsh to Import-PowerShellDataFile).</summary>
[Collection(ModuleCollection.Name)]
public sealed partial class ManifestTests(ModuleLayoutFixture module)
{
    private string Manifest => Psd1.WithoutComments(File.ReadAllText(module.ManifestPath));

    [Fact]
    public void CmdletsToExport_equals_the_cmdlet_classes()
    {
        var exported = Psd1.List(Manifest, "CmdletsToExport");
        Assert.Equal(exported.Count, exported.Distinct().Count());
        Assert.Equal(module.Metadata.Cmdlets.Select(c => c.Name).Order(), exported.Order());
    }

    [Fact]
    public void Nothing_but_cmdlets_is_exported()
    {
        Assert.Empty(Psd1.List(Manifest, "FunctionsToExport"));
        Assert.Empty(Psd1.List(Manifest, "AliasesToExport"));
        Assert.Empty(Psd1.List(Manifest, "VariablesToExport"));
    }

    [Fact]
    public void The_root_module_is_the_cmdlet_assembly_next_to_the_manifest()
    {
        Assert.Equal("Emx2Hpc.PowerShell.dll", Psd1.Scalar(Manifest, "RootModule"));
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "Emx2Hpc.PowerShell.dll")));
    }

    [Fact]
    public void Module_assembly_and_folder_versions_agree()
    {
        var version = Psd1.Scalar(Manifest, "ModuleVersion");
        Assert.Equal("0.1.0", version);
        var props = File.ReadAllText(Path.Combine(module.RepoRoot, "Directory.Build.props"));
        Assert.Equal(version, VersionElement().Match(props).Groups[1].Value);
        Assert.Equal(new Version(version + ".0"), module.Metadata.Assembly.GetName().Version);
        Assert.Equal(version, Path.GetFileName(module.ModuleDirectory));
    }

    [Fact]
    public void Targets_PowerShell_7_4_Core_edition()
    {
        Assert.Equal("7.4", Psd1.Scalar(Manifest, "PowerShellVersion"));
        Assert.Equal(["Core"], Psd1.List(Manifest, "CompatiblePSEditions"));
    }

    [Fact]
    public void Format_file_is_declared_and_shipped()
    {
        Assert.Equal("Emx2Hpc.format.ps1xml", Psd1.Scalar(Manifest, "FormatsToProcess"));
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "Emx2Hpc.format.ps1xml")));
    }

    [Fact]
    public void Identity_and_gallery_metadata_are_present()
    {
        Assert.True(Guid.TryParse(Psd1.Scalar(Manifest, "GUID"), out var guid) && guid != Guid.Empty);
        Assert.False(string.IsNullOrWhiteSpace(Psd1.Scalar(Manifest, "Author")));
        Assert.False(string.IsNullOrWhiteSpace(Psd1.Scalar(Manifest, "Description")));
        Assert.Contains("Slurm", Psd1.List(Manifest, "Tags"));
        Assert.StartsWith("https://", Psd1.Scalar(Manifest, "ProjectUri"));
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}

/// <summary>Just enough of the PowerShell data-file syntax for a manifest: 'single-quoted' scalars and @( ) lists.</summary>
internal static partial class Psd1
{
    public static string WithoutComments(string text) => FullLineComment().Replace(text, "");

    public static string? Scalar(string text, string key)
    {
        var match = Regex.Match(text, $@"^\s*{Regex.Escape(key)}\s*=\s*'([^']*)'", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }

    public static IReadOnlyList<string> List(string text, string key)
    {
        var match = Regex.Match(text, $@"^\s*{Regex.Escape(key)}\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{key} = @( … ) not found in the manifest");
        return Quoted().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"^\s*#.*$", RegexOptions.Multiline)]
    private static partial Regex FullLineComment();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();
}
