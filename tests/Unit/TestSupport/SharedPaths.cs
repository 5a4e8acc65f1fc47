namespace Emx2Hpc.Tests.Unit.TestSupport;

/// <summary>Finds files of the sibling shared/ folder. CI clones the repository beside shared/, so
/// hpc-protocol.json sits at &lt;repo&gt;/../shared/protocol/hpc-protocol.json; walking up from the test binaries
/// finds it whatever the build layout.</summary>
public static class SharedPaths
{
    private const string ProtocolRelative = "shared/protocol/hpc-protocol.json";

    public static string ProtocolJson { get; } = Find(ProtocolRelative);

    /// <summary>The emulator's entry assembly, copied next to the tests by the project reference.</summary>
    public static string EmulatorDll { get; } = Path.Combine(AppContext.BaseDirectory, "emx2-hpc-emulator.dll");

    public static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found in any parent of {AppContext.BaseDirectory}");
    }
}
