using System.Reflection;
using System.Runtime.Loader;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>Loads the shipped module folder the way pwsh does — no deps.json, nothing from the test's own output —
/// through the module's own Emx2HpcLoadContext (taken from the built cmdlet dll), then parses a YAML config and
/// opens a SQLite state store. Proves that YamlDotNet, Microsoft.Data.Sqlite and the native e_sqlite3 resolve from
/// the module folder.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ModuleLoadTests(ModuleLayoutFixture module) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("emx2hpc-module-load-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    [Fact]
    public void Core_yaml_and_native_sqlite_resolve_from_the_module_folder()
    {
        // Stands in for pwsh's default context: a fresh context that knows nothing of the test's deps.json.
        var host = new AssemblyLoadContext("pwsh-stand-in", isCollectible: true);
        AssemblyLoadContext? moduleContext = null;
        try
        {
            var cmdlets = host.LoadFromAssemblyPath(module.CmdletAssemblyPath);
            var contextType = cmdlets.GetType("Emx2Hpc.PowerShell.Loading.Emx2HpcLoadContext", throwOnError: true)!;
            moduleContext = (AssemblyLoadContext)Activator.CreateInstance(contextType,
                BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [module.ModuleDirectory, true], null)!;

            // What ModuleInitializer's Resolving handler does for the cmdlet assembly's reference to Core.
            var core = moduleContext.LoadFromAssemblyName(new AssemblyName("Emx2Hpc.Core"));
            AssertFromDependencies(core);
            Assert.NotSame(typeof(Core.Configuration.HpcConfigLoader).Assembly, core);

            var statePath = Path.Combine(_work, "state", "worker.db");
            var yaml = $"""
                emx2:
                  base_url: http://127.0.0.1:9/
                  worker_id: module-load-test
                worker:
                  poll_interval_seconds: 5
                  state_db: {statePath}
                """;
            var loader = core.GetType("Emx2Hpc.Core.Configuration.HpcConfigLoader", throwOnError: true)!;
            var config = loader.GetMethod("LoadText")!.Invoke(null, [yaml, "module-load-test.yaml", _work, null])!;
            var worker = config.GetType().GetProperty("Worker")!.GetValue(config)!;
            Assert.Equal(5, worker.GetType().GetProperty("PollIntervalSeconds")!.GetValue(worker));
            Assert.Equal(statePath, worker.GetType().GetProperty("StateDb")!.GetValue(worker));

            var storeType = core.GetType("Emx2Hpc.Core.State.StateStore", throwOnError: true)!;
            using (var store = (IDisposable)storeType.GetMethod("Open")!.Invoke(null, [statePath, null])!)
                Assert.Equal(true, storeType.GetProperty("WasRecreated")!.GetValue(store));
            Assert.True(File.Exists(statePath));

            foreach (var name in new[] { "YamlDotNet", "Microsoft.Data.Sqlite", "SQLitePCLRaw.core", "SQLitePCLRaw.provider.e_sqlite3" })
                AssertFromDependencies(moduleContext.Assemblies.Single(a => a.GetName().Name == name));

            if (OperatingSystem.IsLinux())
            {
                // The test host has its own e_sqlite3 (runtimes/…/native via its deps.json). Only the module's copy
                // being mapped proves LoadUnmanagedDll resolved it, instead of a silent fallback to the host's.
                var native = Path.Combine(module.ModuleDirectory, ModuleRid(contextType), "libe_sqlite3.so");
                Assert.Contains(native, File.ReadAllText("/proc/self/maps"));
            }
        }
        finally
        {
            moduleContext?.Unload();
            host.Unload();
        }
    }

    [Fact]
    public void Unknown_assemblies_fall_through_to_the_default_context()
    {
        var host = new AssemblyLoadContext("pwsh-stand-in", isCollectible: true);
        try
        {
            var contextType = host.LoadFromAssemblyPath(module.CmdletAssemblyPath)
                .GetType("Emx2Hpc.PowerShell.Loading.Emx2HpcLoadContext", throwOnError: true)!;
            var moduleContext = (AssemblyLoadContext)Activator.CreateInstance(contextType,
                BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [module.ModuleDirectory, true], null)!;
            // Framework assemblies are shared, so Core and the cmdlets agree on System.* types.
            var json = moduleContext.LoadFromAssemblyName(new AssemblyName("System.Text.Json"));
            Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(json));
            moduleContext.Unload();
        }
        finally
        {
            host.Unload();
        }
    }

    private void AssertFromDependencies(Assembly assembly) =>
        Assert.Equal(Path.Combine(module.DependencyDirectory, assembly.GetName().Name + ".dll"), assembly.Location);

    private static string ModuleRid(Type contextType) =>
        (string)contextType.GetMethod("CurrentRid", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null)!;
}
