using System.Reflection;
using System.Xml.Linq;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>Emx2Hpc.format.ps1xml: a view whose type or column does not exist fails silently in pwsh (empty
/// columns, or the default list view), so every name is checked against the shipped Core assembly.</summary>
[Collection(ModuleCollection.Name)]
public sealed class FormatViewTests(ModuleLayoutFixture module)
{
    private XDocument Format => XDocument.Load(Path.Combine(module.ModuleDirectory, "Emx2Hpc.format.ps1xml"));

    [Fact]
    public void Every_designed_type_has_a_table_view()
    {
        var viewed = Format.Descendants("View").Where(v => v.Element("TableControl") is not null)
            .Select(v => (string)v.Element("ViewSelectedBy")!.Element("TypeName")!).ToList();
        Assert.All(ExpectedCmdlets.FormattedTypes, t => Assert.Contains(t, viewed));
    }

    [Fact]
    public void Every_view_names_an_existing_type_and_existing_properties()
    {
        foreach (var view in Format.Descendants("View"))
        {
            var typeName = (string)view.Element("ViewSelectedBy")!.Element("TypeName")!;
            var type = module.Metadata.FindType(typeName);
            Assert.True(type is not null, $"view {(string?)view.Element("Name")}: type {typeName} not found");
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet();
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
                Assert.True(properties.Contains(property), $"{typeName} has no property {property}");
        }
    }

    [Fact]
    public void Every_table_has_one_header_per_column()
    {
        foreach (var table in Format.Descendants("TableControl"))
        {
            var headers = table.Descendants("TableColumnHeader").Count();
            Assert.All(table.Descendants("TableColumnItems"), items => Assert.Equal(headers, items.Elements("TableColumnItem").Count()));
        }
    }

    [Fact]
    public void View_names_are_unique()
    {
        var names = Format.Descendants("View").Select(v => (string)v.Element("Name")!).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }
}
