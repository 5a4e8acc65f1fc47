using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace Emx2Hpc.PowerShell.Loading;

/// <summary>Runs on Import-Module / Remove-Module. pwsh loads Emx2Hpc.PowerShell.dll into the default load
/// context; when the cmdlets first touch a Core type, the default context cannot find Emx2Hpc.Core (it is not next
/// to the cmdlet dll, deliberately) and raises Resolving, which this hands to <see cref="Emx2HpcLoadContext"/>.
/// From then on Core's own references resolve inside that context, never in the default one.</summary>
/// <remarks>Core types appear in the cmdlet assembly only in method bodies (the output types of Output/ are the module's own). They are
/// resolved lazily, after OnImport has registered the handler, so no Core type is needed while pwsh scans the
/// assembly for cmdlets. Public cmdlet parameters use framework types only.</remarks>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string CoreAssemblyName = "Emx2Hpc.Core";

    private static readonly Lazy<Emx2HpcLoadContext> Context = new(() =>
        new Emx2HpcLoadContext(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!));

    /// <summary>Called by pwsh when the module is imported.</summary>
    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveCore;

    /// <summary>Called by pwsh when the module is removed. The load context stays alive: Core types may still be
    /// referenced by objects in the session.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveCore;

    // Only Core is redirected: it is the single entry point into the private context, and its name cannot collide
    // with another module's assemblies. Its dependencies are then found by Emx2HpcLoadContext.Load.
    private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name) =>
        string.Equals(name.Name, CoreAssemblyName, StringComparison.Ordinal)
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
}
