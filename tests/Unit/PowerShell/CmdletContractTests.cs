using System.Reflection;
using Xunit;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>The cmdlet layer's static contract, read from the built assembly: names, verbs, ShouldProcess,
/// OutputType, common parameters and pipeline binding. pwsh cannot run here, so this is what stands in for
/// Get-Command and PSScriptAnalyzer.</summary>
[Collection(ModuleCollection.Name)]
public sealed class CmdletContractTests(ModuleLayoutFixture module)
{
    private IReadOnlyList<CmdletDescription> Cmdlets => module.Metadata.Cmdlets;

    [Fact]
    public void The_assembly_holds_exactly_the_designed_cmdlets()
    {
        Assert.Equal(ExpectedCmdlets.Names.Order(), Cmdlets.Select(c => c.Name).Order());
    }

    [Fact]
    public void Every_verb_is_approved()
    {
        var unapproved = Cmdlets.Where(c => !ApprovedVerbs.All.Contains(c.Verb)).Select(c => c.Name).ToList();
        Assert.True(unapproved.Count == 0, "unapproved verbs: " + string.Join(", ", unapproved));
    }

    [Fact]
    public void Every_noun_starts_with_Hpc_or_Slurm()
    {
        var stray = Cmdlets.Where(c => !c.Noun.StartsWith("Hpc", StringComparison.Ordinal) && !c.Noun.StartsWith("Slurm", StringComparison.Ordinal))
            .Select(c => c.Name).ToList();
        Assert.True(stray.Count == 0, "nouns without the Hpc/Slurm prefix: " + string.Join(", ", stray));
    }

    [Fact]
    public void Every_cmdlet_that_changes_something_supports_ShouldProcess_and_getters_do_not()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var readOnly = cmdlet.Verb is "Get" or "Test";
            Assert.True(cmdlet.SupportsShouldProcess != readOnly,
                $"{cmdlet.Name}: SupportsShouldProcess={cmdlet.SupportsShouldProcess}, expected {!readOnly}");
        }
    }

    [Fact]
    public void Cancelling_a_job_asks_for_confirmation_by_default()
    {
        Assert.Equal("High", module.Metadata.Cmdlet("Stop-HpcJob").ConfirmImpact);
    }

    [Fact]
    public void Every_cmdlet_that_outputs_declares_its_output_type()
    {
        foreach (var cmdlet in Cmdlets.Where(c => c.Name != "Start-HpcDaemon"))
        {
            Assert.True(ExpectedCmdlets.OutputType.TryGetValue(cmdlet.Name, out var expected), $"{cmdlet.Name} has no expected output type");
            Assert.Equal([expected], cmdlet.OutputTypes.Select(t => t.FullName));
        }
        Assert.All(Cmdlets.Where(c => c.Verb == "Get"), c => Assert.NotEmpty(c.OutputTypes));
        Assert.Empty(module.Metadata.Cmdlet("Start-HpcDaemon").OutputTypes);
    }

    [Fact]
    public void Every_cmdlet_takes_the_configuration_parameters()
    {
        foreach (var cmdlet in Cmdlets)
        {
            Assert.Equal("String", cmdlet.Parameter("ConfigPath")?.Type.Name);
            Assert.Equal("SwitchParameter", cmdlet.Parameter("AllowInsecureSecret")?.Type.Name);
        }
    }

    [Fact]
    public void Exactly_the_user_facing_cmdlets_take_a_token()
    {
        var withToken = Cmdlets.Where(c => c.Parameter("Token") is not null).Select(c => c.Name).Order();
        Assert.Equal(ExpectedCmdlets.UserFacing.Order(), withToken);
    }

    [Fact]
    public void Simulate_is_offered_where_the_scheduler_is_used()
    {
        var withSimulate = Cmdlets.Where(c => c.Parameter("Simulate") is not null).Select(c => c.Name).Order();
        Assert.Equal(["Get-HpcWorkerStatus", "Invoke-HpcCycle", "Start-HpcDaemon", "Submit-SlurmJob"], withSimulate);
    }

    [Fact]
    public void Pipeline_parameters_bind_by_property_name_with_their_aliases()
    {
        foreach (var (name, parameterName, aliases) in ExpectedCmdlets.PipelineParameters)
        {
            var parameter = module.Metadata.Cmdlet(name).Parameter(parameterName);
            Assert.True(parameter is not null, $"{name} has no -{parameterName}");
            Assert.Equal(parameterName, parameter.Name);
            Assert.True(parameter.ByPropertyName, $"{name} -{parameterName} does not bind by property name");
            Assert.All(aliases, alias => Assert.Contains(alias, parameter.Aliases));
        }
    }

    [Fact]
    public void Receive_HpcJob_claims_by_id_from_the_pipeline_or_by_capability()
    {
        var receive = module.Metadata.Cmdlet("Receive-HpcJob");
        Assert.Equal("ByCapability", receive.DefaultParameterSet);
        Assert.Equal(["ById", "ByCapability"], receive.ParameterSets.Order().Reverse());
        Assert.True(receive.Parameter("Id")!.InSet("ById"));
        Assert.False(receive.Parameter("Id")!.InSet("ByCapability"));
        Assert.True(receive.Parameter("Count")!.InSet("ByCapability"));
    }

    [Fact]
    public void Get_HpcJob_pages_with_First_Skip_or_Limit_Offset()
    {
        var get = module.Metadata.Cmdlet("Get-HpcJob");
        Assert.Same(get.Parameter("Limit"), get.Parameter("First"));
        Assert.Same(get.Parameter("Offset"), get.Parameter("Skip"));
        foreach (var name in new[] { "Status", "Processor", "Profile", "All" }) Assert.NotNull(get.Parameter(name));
        Assert.Equal(["CANCELLED", "CLAIMED", "COMPLETED", "FAILED", "PENDING", "STARTED", "SUBMITTED"], get.Parameter("Status")!.ValidValues.Order());
    }

    [Fact]
    public void No_parameter_or_alias_clashes_with_a_common_parameter_or_another_parameter()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var names = cmdlet.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).ToList();
            var reserved = names.Where(n => ApprovedVerbs.CommonParameters.Contains(n)
                || (cmdlet.SupportsShouldProcess && ApprovedVerbs.RiskParameters.Contains(n))).ToList();
            Assert.True(reserved.Count == 0, $"{cmdlet.Name} redefines {string.Join(", ", reserved)}");
            var duplicates = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{cmdlet.Name} uses {string.Join(", ", duplicates)} twice");
        }
    }

    [Fact]
    public void Every_parameter_set_has_at_most_one_parameter_per_position()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var sets = cmdlet.ParameterSets.DefaultIfEmpty(CmdletParameter.AllSets);
            foreach (var set in sets)
            {
                var positions = cmdlet.Parameters
                    .SelectMany(p => p.Bindings.Where(b => b.SetName == set || b.SetName == CmdletParameter.AllSets))
                    .Where(b => b.Position is not null).GroupBy(b => b.Position).Where(g => g.Count() > 1).ToList();
                Assert.True(positions.Count == 0, $"{cmdlet.Name} set {set}: two parameters at one position");
            }
        }
    }

    /// <summary>Parameters are bound before anything runs; a Core type there would make pwsh resolve Core while it
    /// binds. Framework types keep the load order simple (see ModuleInitializer).</summary>
    [Fact]
    public void Parameter_types_are_framework_or_PowerShell_types()
    {
        foreach (var cmdlet in Cmdlets)
            foreach (var parameter in cmdlet.Parameters)
            {
                var type = parameter.Type.IsGenericType ? parameter.Type.GetGenericArguments()[0] : parameter.Type;
                var assembly = type.Assembly.GetName().Name;
                Assert.True(assembly is "System.Private.CoreLib" or "System.Runtime" or "System.Text.Json" or "System.Management.Automation",
                    $"{cmdlet.Name} -{parameter.Name} is a {type.FullName} from {assembly}");
            }
    }

    /// <summary>Cmdlets only bind parameters and call one Core operation; logic hidden in a helper method of a cmdlet
    /// class would be untested (pwsh does not run here) and absent from the CLI.</summary>
    [Fact]
    public void Cmdlet_classes_declare_no_methods_besides_ProcessRecord()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var methods = cmdlet.Type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                // Accessors are special names; lambdas compile to "<ProcessRecord>b__…" methods.
                .Where(m => !m.IsSpecialName && m.Name != "ProcessRecord" && !m.Name.StartsWith('<'))
                .Select(m => m.Name).ToList();
            Assert.True(methods.Count == 0, $"{cmdlet.Name} declares {string.Join(", ", methods)}");
        }
    }

    [Fact]
    public void Each_cmdlet_class_has_its_own_file()
    {
        foreach (var cmdlet in Cmdlets)
        {
            Assert.Equal("Emx2Hpc.PowerShell.Cmdlets", cmdlet.Type.Namespace);
            var file = Path.Combine(module.RepoRoot, "src", "Emx2Hpc.PowerShell", "Cmdlets", cmdlet.Type.Name + ".cs");
            Assert.True(File.Exists(file), $"{cmdlet.Name}: expected {file}");
        }
    }
}
