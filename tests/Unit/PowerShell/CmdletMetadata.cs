using System.Reflection;
using System.Runtime.InteropServices;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>How one parameter takes part in one parameter set.</summary>
public sealed record ParameterBinding(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter as pwsh would see it: name, aliases and its [Parameter] attributes.</summary>
public sealed record CmdletParameter(string Name, Type Type, IReadOnlyList<string> Aliases, IReadOnlyList<ParameterBinding> Bindings,
    IReadOnlyList<string> ValidValues)
{
    public const string AllSets = "__AllParameterSets";

    public bool Answers(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);

    public bool InSet(string set) => Bindings.Any(b => b.SetName == set || b.SetName == AllSets);
    public bool ByPropertyName => Bindings.Any(b => b.ByPropertyName);
}

/// <summary>A cmdlet class read from the built assembly's metadata.</summary>
public sealed record CmdletDescription(string Verb, string Noun, Type Type, bool SupportsShouldProcess, string? ConfirmImpact,
    string? DefaultParameterSet, IReadOnlyList<Type> OutputTypes, IReadOnlyList<CmdletParameter> Parameters)
{
    public string Name => $"{Verb}-{Noun}";

    public CmdletParameter? Parameter(string nameOrAlias) => Parameters.FirstOrDefault(p => p.Answers(nameOrAlias));

    public IReadOnlyList<string> ParameterSets =>
        Parameters.SelectMany(p => p.Bindings).Select(b => b.SetName).Where(s => s != CmdletParameter.AllSets).Distinct().ToList();
}

/// <summary>Reads the cmdlet assembly with a MetadataLoadContext: nothing is executed, so the netstandard reference
/// System.Management.Automation (PowerShellStandard.Library) is enough to resolve the attribute types. Core comes
/// from the module's Dependencies/ folder, i.e. the files that ship.</summary>
public sealed class CmdletMetadata : IDisposable
{
    private const string Sma = "System.Management.Automation.";
    private readonly MetadataLoadContext _context;

    public CmdletMetadata(string cmdletAssembly, string dependencyDirectory, string smaReference)
    {
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(dependencyDirectory, "*.dll"))
            .Append(smaReference)
            .Append(cmdletAssembly);
        _context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        Assembly = _context.LoadFromAssemblyPath(cmdletAssembly);
        Cmdlets = Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && Attribute(t, "CmdletAttribute") is not null)
            .Select(Describe)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public Assembly Assembly { get; }
    public IReadOnlyList<CmdletDescription> Cmdlets { get; }

    public CmdletDescription Cmdlet(string name) =>
        Cmdlets.SingleOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"no cmdlet {name} in {Assembly.Location}");

    /// <summary>Resolves a type by full name from the cmdlet assembly's closure (Core, framework).</summary>
    public Type? FindType(string fullName) =>
        Assembly.GetType(fullName) ?? _context.GetAssemblies().Select(a => a.GetType(fullName)).FirstOrDefault(t => t is not null)
        ?? TryLoad("Emx2Hpc.Core")?.GetType(fullName);

    /// <summary>The type's const fields (e.g. ErrorIds), read without running the class constructor.</summary>
    public static IReadOnlyList<string> StringConstants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType.FullName == "System.String")
            .Select(f => (string)f.GetRawConstantValue()!).ToList();

    public void Dispose() => _context.Dispose();

    private Assembly? TryLoad(string name)
    {
        try { return _context.LoadFromAssemblyName(name); }
        catch (FileNotFoundException) { return null; }
    }

    private static CmdletDescription Describe(Type type)
    {
        var cmdlet = Attribute(type, "CmdletAttribute")!;
        var confirm = cmdlet.NamedArguments.FirstOrDefault(a => a.MemberName == "ConfirmImpact");
        return new CmdletDescription(
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            type,
            Named(cmdlet, "SupportsShouldProcess") is true,
            confirm.MemberInfo is null ? null : EnumName(confirm.TypedValue),
            Named(cmdlet, "DefaultParameterSetName") as string,
            Attributes(type, "OutputTypeAttribute").SelectMany(a => TypeArguments(a)).ToList(),
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => Attribute(p, "ParameterAttribute") is not null)
                .Select(DescribeParameter).ToList());
    }

    private static CmdletParameter DescribeParameter(PropertyInfo property) => new(
        property.Name,
        property.PropertyType,
        Attributes(property, "AliasAttribute").SelectMany(StringArguments).ToList(),
        Attributes(property, "ParameterAttribute").Select(a => new ParameterBinding(
            Named(a, "ParameterSetName") as string ?? CmdletParameter.AllSets,
            Named(a, "Mandatory") is true,
            Named(a, "Position") is int p && p >= 0 ? p : null,
            Named(a, "ValueFromPipeline") is true,
            Named(a, "ValueFromPipelineByPropertyName") is true)).ToList(),
        Attributes(property, "ValidateSetAttribute").SelectMany(StringArguments).ToList());

    public static CustomAttributeData? Attribute(MemberInfo member, string smaName) => Attributes(member, smaName).FirstOrDefault();

    public static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string smaName) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + smaName);

    private static object? Named(CustomAttributeData data, string name) =>
        data.NamedArguments.FirstOrDefault(n => n.MemberName == name).TypedValue.Value;

    private static string EnumName(CustomAttributeTypedArgument argument) =>
        argument.ArgumentType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .First(f => Equals(f.GetRawConstantValue(), argument.Value)).Name;

    private static IEnumerable<string> StringArguments(CustomAttributeData data) => Flatten(data).OfType<string>();

    private static IEnumerable<Type> TypeArguments(CustomAttributeData data) => Flatten(data).OfType<Type>();

    private static IEnumerable<object?> Flatten(CustomAttributeData data) =>
        data.ConstructorArguments.SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value)
            : [a.Value]);
}
