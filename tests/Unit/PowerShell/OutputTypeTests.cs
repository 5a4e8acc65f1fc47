using System.Reflection;
using System.Xml.Linq;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>The module's output types are a public contract (docs/powershell.md): PowerShell-native values
/// (DateTimeOffset timestamps, enums, TimeSpan durations, long sizes), no protocol DTOs or state-row internals, and
/// resolvable by pwsh, i.e. declared in the cmdlet assembly itself (Core lives in a private load context).</summary>
[Collection(ModuleCollection.Name)]
public sealed class OutputTypeTests(ModuleLayoutFixture module)
{
    private static readonly string[] ForbiddenProperties = ["JobJson", "ProgressFingerprint", "ProgressOffset", "Links"];

    private IEnumerable<Type> OutputTypes => ExpectedCmdlets.FormattedTypes.Select(name =>
        module.Metadata.FindType(name) ?? throw new InvalidOperationException($"output type {name} not found"));

    [Fact]
    public void Output_types_are_declared_in_the_cmdlet_assembly_in_the_Emx2Hpc_namespace()
    {
        Assert.All(OutputTypes, type =>
        {
            Assert.Equal("Emx2Hpc.PowerShell", type.Assembly.GetName().Name);
            Assert.Equal("Emx2Hpc", type.Namespace);
            Assert.True(type.IsPublic && type.IsSealed, $"{type.FullName} must be public and sealed");
        });
    }

    [Fact]
    public void Properties_use_framework_types_or_the_modules_own_enums()
    {
        // A property may also hold another of the module's own public Emx2Hpc types (an import plan's decisions);
        // those are held to the same rule.
        var pending = new Queue<Type>(OutputTypes);
        var seen = new HashSet<Type>();
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type)) continue;
            foreach (var property in Properties(type))
            {
                var valueType = Underlying(property.PropertyType);
                var assembly = valueType.Assembly.GetName().Name;
                var nested = assembly == "Emx2Hpc.PowerShell" && valueType is { IsEnum: false, IsPublic: true, IsSealed: true, Namespace: "Emx2Hpc" };
                var ok = assembly is "System.Private.CoreLib" or "System.Runtime"
                    || (assembly == "Emx2Hpc.PowerShell" && valueType.IsEnum) || nested;
                Assert.True(ok, $"{type.Name}.{property.Name} is a {valueType.FullName} from {assembly}");
                if (nested) pending.Enqueue(valueType);
            }
        }
    }

    [Fact]
    public void Timestamps_are_DateTimeOffset_durations_TimeSpan_sizes_long_and_statuses_enums()
    {
        foreach (var type in OutputTypes)
            foreach (var property in Properties(type))
            {
                var name = property.Name;
                var valueType = Underlying(property.PropertyType).FullName;
                if (name.EndsWith("At", StringComparison.Ordinal) || name == "Timestamp")
                    Assert.True(valueType == "System.DateTimeOffset", $"{type.Name}.{name} is {valueType}");
                if (name is "Duration" or "Timeout")
                    Assert.True(valueType == "System.TimeSpan", $"{type.Name}.{name} is {valueType}");
                if (name == "SizeBytes")
                    Assert.True(valueType == "System.Int64", $"{type.Name}.{name} is {valueType}");
                if (name.EndsWith("Status", StringComparison.Ordinal) || name is "Phase" && type.Name == "TrackedJob" || name == "Residence")
                    Assert.True(Underlying(property.PropertyType).IsEnum, $"{type.Name}.{name} is {valueType}, not an enum");
            }
    }

    [Fact]
    public void No_protocol_or_storage_internals_leak()
    {
        foreach (var type in OutputTypes)
        {
            Assert.DoesNotContain("Dto", type.Name, StringComparison.Ordinal);
            foreach (var property in Properties(type))
                Assert.DoesNotContain(property.Name, ForbiddenProperties);
        }
    }

    [Fact]
    public void Every_output_type_has_exactly_one_table_and_one_list_view()
    {
        var views = XDocument.Load(Path.Combine(module.ModuleDirectory, "Emx2Hpc.format.ps1xml")).Descendants("View").ToList();
        foreach (var name in ExpectedCmdlets.FormattedTypes)
        {
            var forType = views.Where(v => (string)v.Element("ViewSelectedBy")!.Element("TypeName")! == name).ToList();
            Assert.Equal(1, forType.Count(v => v.Element("TableControl") is not null));
            Assert.Equal(1, forType.Count(v => v.Element("ListControl") is not null));
        }
    }

    [Fact]
    public void Objects_bind_to_the_next_cmdlet_by_property_name()
    {
        // Job → -Id (Get-HpcJob, Receive-HpcJob, Stop-HpcJob, Get-HpcJobTransition, Submit-SlurmJob) and
        // OutputArtifactId → Receive-HpcArtifact; TrackedJob → JobId; Artifact → ArtifactId; a download → FullName.
        Assert.Contains("Id", PropertyNames("Emx2Hpc.Job"));
        Assert.Contains("OutputArtifactId", PropertyNames("Emx2Hpc.Job"));
        Assert.Contains("JobId", PropertyNames("Emx2Hpc.TrackedJob"));
        Assert.Contains("JobId", PropertyNames("Emx2Hpc.JobTransition"));
        Assert.Contains("ArtifactId", PropertyNames("Emx2Hpc.Artifact"));
        Assert.Contains("FullName", PropertyNames("Emx2Hpc.ArtifactDownload"));
    }

    private IReadOnlyList<string> PropertyNames(string typeName) =>
        Properties(module.Metadata.FindType(typeName)!).Select(p => p.Name).ToList();

    private static PropertyInfo[] Properties(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance);

    private static Type Underlying(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1") return type.GetGenericArguments()[0];
        return type.IsArray ? type.GetElementType()! : type;
    }
}
