using System.Xml.Linq;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>Every command line the documentation shows (README.md, docs/powershell.md, about_Emx2Hpc, the examples
/// in the MAML help) uses existing parameters, and each '|' between two module cmdlets binds by property name.</summary>
[Collection(ModuleCollection.Name)]
public sealed class PipelineBindingTests(ModuleLayoutFixture module)
{
    private const string DesignPipeline = "Get-HpcJob -Status PENDING | Receive-HpcJob | Submit-SlurmJob";

    private IReadOnlySet<string> CmdletNames => module.Metadata.Cmdlets.Select(c => c.Name).ToHashSet();

    private string DocsPath => Path.Combine(module.RepoRoot, "docs", "powershell.md");

    [Fact]
    public void Pipelines_in_docs_powershell_md_bind()
    {
        var binder = new PipelineBinder(module.Metadata);
        var markdown = File.ReadAllText(DocsPath);
        var lines = PipelineText.FromMarkdown(markdown).ToList();
        AssertNoProblems(binder, lines.Concat(PipelineText.InlineCommands(markdown, CmdletNames)).ToList(), "docs/powershell.md");
        Assert.True(binder.LinksChecked >= 5, $"only {binder.LinksChecked} cmdlet-to-cmdlet links found in docs/powershell.md");
        Assert.Contains(DesignPipeline, lines);
    }

    [Fact]
    public void Pipelines_in_README_bind()
    {
        var readme = Path.Combine(module.RepoRoot, "README.md");
        if (!File.Exists(readme)) return; // the README is written elsewhere; checked as soon as it exists
        var markdown = File.ReadAllText(readme);
        var lines = PipelineText.FromMarkdown(markdown).Concat(PipelineText.InlineCommands(markdown, CmdletNames)).ToList();
        AssertNoProblems(new PipelineBinder(module.Metadata), lines, "README.md");
    }

    [Fact]
    public void Command_lines_in_about_help_bind()
    {
        var names = CmdletNames;
        var about = File.ReadAllText(Path.Combine(module.ModuleDirectory, "en-US", "about_Emx2Hpc.help.txt"));
        var binder = new PipelineBinder(module.Metadata);
        AssertNoProblems(binder, PipelineText.CommandLines(about, names).ToList(), "about_Emx2Hpc");
        Assert.True(binder.LinksChecked >= 3);
    }

    [Fact]
    public void Examples_in_cmdlet_help_bind()
    {
        XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        var help = XDocument.Load(Path.Combine(module.ModuleDirectory, "en-US", "Emx2Hpc.PowerShell.dll-Help.xml"));
        var binder = new PipelineBinder(module.Metadata);
        var lines = help.Descendants(dev + "code").Select(c => c.Value.Trim()).ToList();
        AssertNoProblems(binder, lines, "MAML examples");
        Assert.True(binder.LinksChecked >= 8);
    }

    [Theory]
    [InlineData("Test-HpcConfig | Submit-SlurmJob", "binds to no pipeline parameter")]
    [InlineData("Start-HpcDaemon | Get-HpcJob", "binds to no pipeline parameter")]
    [InlineData("Get-HpcJob -Status PENDING | Receive-HpcJob -Count 2", "binds to no pipeline parameter")]
    [InlineData("Get-HpcJob -State PENDING", "has no parameter -State")]
    [InlineData("Get-HpcJobTransition -Id x | Receive-HpcArtifact", "binds to no pipeline parameter")]
    public void The_checker_rejects_what_would_not_bind(string line, string expected)
    {
        var problems = new PipelineBinder(module.Metadata).Problems(line);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DesignPipeline)]
    [InlineData("Get-HpcTrackedJob | Submit-SlurmJob -WhatIf")]
    [InlineData("Get-ChildItem ./out | Send-HpcArtifact -Type csv")]
    [InlineData("Get-HpcJob -Status FAILED | Where-Object Processor -eq 'demo:v1' | Get-HpcJobTransition")]
    [InlineData("New-HpcJob -Processor demo:v1 -Token $t |\n    Get-HpcJobTransition -Token $t")]
    public void The_checker_accepts_what_binds(string line)
    {
        var lines = PipelineText.FromMarkdown($"```powershell\n{line}\n```").ToList();
        Assert.Single(lines);
        Assert.Empty(new PipelineBinder(module.Metadata).Problems(lines[0]));
    }

    private static void AssertNoProblems(PipelineBinder binder, IReadOnlyList<string> lines, string source)
    {
        var problems = lines.SelectMany(binder.Problems).ToList();
        Assert.True(problems.Count == 0, $"{source}:\n" + string.Join("\n", problems));
    }
}
