using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Emx2Hpc.Tests.Unit.TestSupport;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

/// <summary>The emulator is a stand-in for EMX2, so it must not lean on the daemon it is used to test: of Core it
/// may use the wire protocol only. Inside, its folders are layers; a folder may use its own types and those of
/// the folders below it, never those above (docs/design.md lists the layers).</summary>
public sealed partial class EmulatorLayeringTests
{
    /// <summary>Bottom first. The root namespace (EmulatorServer, EmulatorOptions, the command line) shares the top
    /// with Hosting: together they compose the server from its options.</summary>
    private static readonly string[] Layers = ["Model", "Storage", "Domain", "Json", "Pipeline", "Faults", "Endpoints", "Hosting", RootFolder];

    private static int Rank(string layer) => layer == RootFolder ? Array.IndexOf(Layers, "Hosting") : Array.IndexOf(Layers, layer);

    private const string RootFolder = "(root)";

    /// <summary>Public leaf types in the root namespace that every layer may name: they are part of the emulator's
    /// public options (roles, replay mode, request counts) and use nothing of the emulator themselves.</summary>
    private static readonly string[] RootVocabulary = ["UserRole", "UserRoles", "ReplayCacheMode", "RequestLog"];

    [Fact]
    public void The_emulator_assembly_references_no_Core_type_outside_Core_Protocol()
    {
        using var stream = File.OpenRead(SharedPaths.EmulatorDll);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var coreTypes = new List<string>();
        foreach (var handle in md.TypeReferences)
        {
            var type = md.GetTypeReference(handle);
            if (AssemblyOf(md, type) != "Emx2Hpc.Core") continue;
            coreTypes.Add($"{NamespaceOf(md, type)}.{md.GetString(type.Name)}");
        }

        Assert.NotEmpty(coreTypes); // the emulator does speak the protocol; an empty list would mean the check saw nothing
        var outside = coreTypes.Where(t => !t.StartsWith("Emx2Hpc.Core.Protocol.", StringComparison.Ordinal)).ToList();
        Assert.True(outside.Count == 0, "the emulator uses Core beyond Protocol: " + string.Join(", ", outside));
    }

    [Fact]
    public void Every_emulator_folder_is_a_known_layer()
    {
        var folders = Directory.GetDirectories(EmulatorSource()).Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj")).ToList();
        Assert.All(folders, f => Assert.Contains(f, Layers));
    }

    [Fact]
    public void Emulator_folders_use_only_their_own_layer_and_the_layers_below()
    {
        var files = Directory.EnumerateFiles(EmulatorSource(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path: f, Layer: LayerOf(f), Code: CodeOf(f)))
            .ToList();
        var declaredIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        foreach (Match m in Declaration().Matches(file.Code))
            declaredIn.TryAdd(m.Groups[1].Value, file.Layer);
        Assert.Contains("EmulatorClock", declaredIn.Keys); // the scan sees declarations

        var violations = new List<string>();
        foreach (var file in files)
        {
            var rank = Rank(file.Layer);
            var isVocabulary = file.Layer == RootFolder && RootVocabulary.Any(v => Path.GetFileNameWithoutExtension(file.Path) == v);
            foreach (var name in Identifier().Matches(file.Code).Select(m => m.Value).Distinct())
            {
                if (!declaredIn.TryGetValue(name, out var layer) || layer == file.Layer) continue;
                if (layer == RootFolder && RootVocabulary.Contains(name)) continue;
                if (Rank(layer) <= rank && !isVocabulary) continue;
                violations.Add($"{Path.GetRelativePath(EmulatorSource(), file.Path)} ({file.Layer}) uses {name} ({layer})");
            }
        }
        Assert.True(violations.Count == 0, "upward dependencies:\n" + string.Join("\n", violations));
    }

    private static string EmulatorSource() =>
        Path.GetDirectoryName(SharedPaths.Find("src/Emx2Hpc.Emulator/Emx2Hpc.Emulator.csproj"))!;

    private static string LayerOf(string path)
    {
        var relative = Path.GetRelativePath(EmulatorSource(), path);
        var sep = relative.IndexOf(Path.DirectorySeparatorChar);
        return sep < 0 ? RootFolder : relative[..sep];
    }

    /// <summary>The file without comments and using lines: what it names in code.</summary>
    private static string CodeOf(string path) =>
        UsingLine().Replace(LineComment().Replace(File.ReadAllText(path), ""), "");

    private static string? AssemblyOf(MetadataReader md, TypeReference type)
    {
        while (true)
        {
            var scope = type.ResolutionScope;
            if (scope.Kind == HandleKind.AssemblyReference) return md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
            if (scope.Kind != HandleKind.TypeReference) return null;
            type = md.GetTypeReference((TypeReferenceHandle)scope);
        }
    }

    private static string NamespaceOf(MetadataReader md, TypeReference type)
    {
        while (type.ResolutionScope.Kind == HandleKind.TypeReference) type = md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
        return md.GetString(type.Namespace);
    }

    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+([A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"(?<!:)//.*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"^using [^;]+;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
