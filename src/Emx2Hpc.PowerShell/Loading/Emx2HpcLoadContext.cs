using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Emx2Hpc.PowerShell.Loading;

/// <summary>The private load context for Emx2Hpc.Core and everything it depends on (YamlDotNet,
/// Microsoft.Data.Sqlite, SQLitePCLRaw, the native e_sqlite3). Another module in the same pwsh session may bring
/// a different YamlDotNet or SQLite; assemblies loaded here never meet theirs, which is the whole point of the
/// "Dependencies/" layout described in Microsoft's "Resolving PowerShell module assembly dependency conflicts".</summary>
/// <remarks>Only files inside the module folder are served. Anything else (the BCL, System.Text.Json …) falls
/// through to the default context, so Core and the cmdlets agree on framework types.</remarks>
internal sealed class Emx2HpcLoadContext : AssemblyLoadContext
{
    /// <summary>Sub-folder holding Core and third-party managed assemblies.</summary>
    public const string DependencyFolderName = "Dependencies";

    private readonly string _dependencyDirectory;
    private readonly string _nativeDirectory;

    /// <param name="moduleDirectory">The versioned module folder (where Emx2Hpc.psd1 lives).</param>
    /// <param name="isCollectible">Only tests unload the context; pwsh keeps it for the session.</param>
    public Emx2HpcLoadContext(string moduleDirectory, bool isCollectible = false)
        : base("Emx2Hpc", isCollectible)
    {
        _dependencyDirectory = Path.Combine(moduleDirectory, DependencyFolderName);
        _nativeDirectory = Path.Combine(moduleDirectory, CurrentRid());
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Returning null hands the request to the default context: framework assemblies must stay shared.
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    /// <summary>SQLitePCLRaw imports "e_sqlite3". PowerShell does not probe runtimes/&lt;rid&gt;/native for a
    /// module, so the layout flattens each platform's library into a &lt;rid&gt;/ folder and this resolves it.</summary>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var fileName in NativeFileNames(unmanagedDllName))
        {
            var candidate = Path.Combine(_nativeDirectory, fileName);
            if (File.Exists(candidate)) return LoadUnmanagedDllFromPath(candidate);
        }
        return IntPtr.Zero;
    }

    /// <summary>The flat folder name the layout uses for this process: linux-x64, linux-arm64, osx-arm64, win-x64 …</summary>
    public static string CurrentRid()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{os}-{arch}";
    }

    // DllImport names come without prefix or extension ("e_sqlite3"), but a caller may also pass a full file name.
    private static IEnumerable<string> NativeFileNames(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows()) yield return name + ".dll";
        else if (OperatingSystem.IsMacOS()) yield return "lib" + name + ".dylib";
        else yield return "lib" + name + ".so";
    }
}
