#:package System.Reflection.MetadataLoadContext
#:property PublishAot=false

// Writes en-US/Emx2Hpc.PowerShell.dll-Help.xml (MAML) for the binary cmdlets. Binary cmdlets cannot carry
// comment-based help, and pwsh cannot run on every build machine, so the help is generated here from the built
// assembly's metadata (parameters, sets, positions, pipeline binding, aliases, ValidateSet values, OutputType) and
// the XML documentation comments on the cmdlet classes and parameter properties. The assembly is only inspected,
// never executed.
//
// usage: dotnet run build/help/GenerateHelp.cs -- <Emx2Hpc.PowerShell.dll> <Emx2Hpc.PowerShell.xml>
//            <System.Management.Automation.dll> <dependency dir> <output.xml>

using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: GenerateHelp.cs <cmdlet dll> <xml doc> <System.Management.Automation.dll> <dependency dir> <output>");
    return 2;
}

var (cmdletDll, xmlDoc, smaDll, dependencyDir, output) = (args[0], args[1], args[2], args[3], args[4]);
var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
    .Concat(Directory.GetFiles(dependencyDir, "*.dll"))
    .Append(smaDll).Append(cmdletDll);
using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(cmdletDll));
var docs = XmlDocs.Load(xmlDoc);

var commands = assembly.GetExportedTypes()
    .Where(t => !t.IsAbstract && Meta.Attribute(t, "System.Management.Automation.CmdletAttribute") is not null)
    .Select(t => Maml.Command(t, docs))
    .OrderBy(c => (string?)c.Element(Maml.CommandNs + "details")!.Element(Maml.CommandNs + "name"), StringComparer.Ordinal)
    .ToList();
if (commands.Count == 0)
{
    Console.Error.WriteLine($"no cmdlets found in {cmdletDll}");
    return 1;
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
new XDocument(new XDeclaration("1.0", "utf-8", null),
    new XElement(Maml.Msh + "helpItems", new XAttribute("schema", "maml"), commands)).Save(output);
Console.WriteLine($"help for {commands.Count} cmdlets -> {output}");
return 0;

/// <summary>Reads attribute data by type name: the attribute types live in a reference assembly that is never loaded
/// for execution.</summary>
static class Meta
{
    public static CustomAttributeData? Attribute(MemberInfo member, string fullName) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == fullName);

    public static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string fullName) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == fullName);

    public static object? Named(CustomAttributeData data, string name) =>
        data.NamedArguments.FirstOrDefault(n => n.MemberName == name).TypedValue.Value;

    public static IEnumerable<string> StringArgs(CustomAttributeData data) =>
        data.ConstructorArguments.SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value as string)
            : [a.Value as string]).OfType<string>();

    public static IEnumerable<Type> TypeArgs(CustomAttributeData data) =>
        data.ConstructorArguments.SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value as Type)
            : [a.Value as Type]).OfType<Type>();

    public static string ShortTypeName(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
            type = type.GetGenericArguments()[0];
        return type.Name;
    }
}

/// <summary>One parameter of one parameter set, as pwsh would see it.</summary>
sealed record Parameter(PropertyInfo Property, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName,
    IReadOnlyList<string> Aliases, IReadOnlyList<string> ValidValues)
{
    public string Name => Property.Name;
    public bool IsSwitch => Property.PropertyType.FullName == "System.Management.Automation.SwitchParameter";
    public string TypeName => Meta.ShortTypeName(Property.PropertyType);

    public string PipelineInput => (ByValue, ByPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    public const string AllSets = "__AllParameterSets";

    /// <summary>The parameter as it appears in <paramref name="set"/>, or null when it is not part of that set.</summary>
    public static Parameter? For(PropertyInfo property, string set)
    {
        var attributes = Meta.Attributes(property, "System.Management.Automation.ParameterAttribute").ToList();
        if (attributes.Count == 0) return null;
        var chosen = attributes.FirstOrDefault(a => SetOf(a) == set) ?? attributes.FirstOrDefault(a => SetOf(a) == AllSets);
        if (chosen is null) return null;
        var position = Meta.Named(chosen, "Position") is int p && p >= 0 ? p : (int?)null;
        var aliases = Meta.Attributes(property, "System.Management.Automation.AliasAttribute").SelectMany(Meta.StringArgs).ToList();
        var valid = Meta.Attributes(property, "System.Management.Automation.ValidateSetAttribute").SelectMany(Meta.StringArgs).ToList();
        return new Parameter(property, Meta.Named(chosen, "Mandatory") is true, position,
            Meta.Named(chosen, "ValueFromPipeline") is true, Meta.Named(chosen, "ValueFromPipelineByPropertyName") is true,
            aliases, valid);
    }

    public static string SetOf(CustomAttributeData parameterAttribute) =>
        Meta.Named(parameterAttribute, "ParameterSetName") as string ?? AllSets;
}

/// <summary>The XML documentation comments, by member id (T:Type, P:Type.Property).</summary>
sealed class XmlDocs(Dictionary<string, XElement> members)
{
    public static XmlDocs Load(string path) => new(XDocument.Load(path).Descendants("member")
        .ToDictionary(m => (string)m.Attribute("name")!, m => m));

    public XElement? Member(string id) => members.GetValueOrDefault(id);

    public static string Text(XElement? element) =>
        element is null ? "" : Regex.Replace(string.Concat(element.Nodes().Select(NodeText)), @"\s+", " ").Trim();

    private static string NodeText(XNode node) => node switch
    {
        XText text => text.Value,
        XElement { Name.LocalName: "see" or "seealso" } e => (string?)e.Attribute("langword") ?? ((string?)e.Attribute("cref"))?.Split('.', ':').Last() ?? e.Value,
        XElement { Name.LocalName: "code" } => "",
        XElement e => string.Concat(e.Nodes().Select(NodeText)),
        _ => "",
    };
}

static class Maml
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace MamlNs = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XElement Command(Type type, XmlDocs docs)
    {
        var cmdlet = Meta.Attribute(type, "System.Management.Automation.CmdletAttribute")!;
        var verb = (string)cmdlet.ConstructorArguments[0].Value!;
        var noun = (string)cmdlet.ConstructorArguments[1].Value!;
        var name = $"{verb}-{noun}";
        var shouldProcess = Meta.Named(cmdlet, "SupportsShouldProcess") is true;
        var member = docs.Member("T:" + type.FullName);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => Meta.Attribute(p, "System.Management.Automation.ParameterAttribute") is not null).ToList();

        var sets = properties
            .SelectMany(p => Meta.Attributes(p, "System.Management.Automation.ParameterAttribute").Select(Parameter.SetOf))
            .Where(s => s != Parameter.AllSets).Distinct().ToList();
        if (sets.Count == 0) sets.Add(Parameter.AllSets);

        var all = properties.Select(p => Parameter.For(p, Parameter.AllSets) ?? sets.Select(s => Parameter.For(p, s)).First(x => x is not null)!).ToList();
        var outputs = Meta.Attributes(type, "System.Management.Automation.OutputTypeAttribute").SelectMany(Meta.TypeArgs).ToList();

        return new XElement(CommandNs + "command",
            new XAttribute(XNamespace.Xmlns + "maml", MamlNs), new XAttribute(XNamespace.Xmlns + "command", CommandNs),
            new XAttribute(XNamespace.Xmlns + "dev", DevNs),
            new XElement(CommandNs + "details",
                new XElement(CommandNs + "name", name),
                new XElement(CommandNs + "verb", verb),
                new XElement(CommandNs + "noun", noun),
                Description(XmlDocs.Text(member?.Element("summary")))),
            Description(XmlDocs.Text(member?.Element("remarks"))),
            new XElement(CommandNs + "syntax", sets.Select(set => SyntaxItem(name, properties, set, shouldProcess))),
            new XElement(CommandNs + "parameters",
                all.Select(p => ParameterElement(p, Summary(docs, p.Property)))
                   .Concat(shouldProcess ? RiskParameters() : [])),
            new XElement(CommandNs + "inputTypes", all.Where(p => p.ByValue || p.ByPropertyName)
                .GroupBy(p => p.Property.PropertyType.FullName).Select(g => TypeBlock(CommandNs + "inputType",
                    Meta.ShortTypeName(g.First().Property.PropertyType),
                    string.Join(" ", g.Select(p => $"-{p.Name} binds {(p.ByValue ? "the object or " : "")}its {string.Join("/", new[] { p.Name }.Concat(p.Aliases))} property."))))),
            new XElement(CommandNs + "returnValues", outputs.Select(t => TypeBlock(CommandNs + "returnValue", t.FullName!, ""))),
            new XElement(CommandNs + "examples", member?.Elements("example").Select((e, i) => Example(e, i + 1))),
            new XElement(CommandNs + "relatedLinks",
                new XElement(MamlNs + "navigationLink", new XElement(MamlNs + "linkText", "about_Emx2Hpc"), new XElement(MamlNs + "uri"))));
    }

    private static string Summary(XmlDocs docs, PropertyInfo property) =>
        XmlDocs.Text(docs.Member($"P:{property.DeclaringType!.FullName}.{property.Name}")?.Element("summary"));

    private static XElement SyntaxItem(string name, IReadOnlyList<PropertyInfo> properties, string set, bool shouldProcess)
    {
        var parameters = properties.Select(p => Parameter.For(p, set)).OfType<Parameter>()
            .OrderBy(p => p.Position ?? int.MaxValue).ToList();
        return new XElement(CommandNs + "syntaxItem",
            new XElement(MamlNs + "name", name),
            parameters.Select(p => ParameterElement(p, null)),
            shouldProcess ? RiskParameters() : null);
    }

    private static XElement ParameterElement(Parameter p, string? description) =>
        new(CommandNs + "parameter",
            new XAttribute("required", p.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", p.Position?.ToString() ?? "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(MamlNs + "name", p.Name),
            description is null ? null : Description(description),
            p.ValidValues.Count == 0 ? null : new XElement(CommandNs + "parameterValueGroup",
                p.ValidValues.Select(v => new XElement(CommandNs + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))),
            p.IsSwitch ? null : new XElement(CommandNs + "parameterValue",
                new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.TypeName),
            new XElement(DevNs + "type", new XElement(MamlNs + "name", p.TypeName), new XElement(MamlNs + "uri")),
            new XElement(DevNs + "defaultValue", p.IsSwitch ? "False" : "None"));

    // -WhatIf and -Confirm are not common parameters in help terms: help lists them per cmdlet.
    private static IEnumerable<XElement> RiskParameters() =>
    [
        Switch("WhatIf", "wi", "Shows what would happen if the cmdlet runs. The cmdlet is not run and nothing is changed."),
        Switch("Confirm", "cf", "Prompts you for confirmation before running the cmdlet."),
    ];

    private static XElement Switch(string name, string alias, string description) =>
        new(CommandNs + "parameter",
            new XAttribute("required", "false"), new XAttribute("variableLength", "true"), new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", alias),
            new XElement(MamlNs + "name", name),
            Description(description),
            new XElement(DevNs + "type", new XElement(MamlNs + "name", "SwitchParameter"), new XElement(MamlNs + "uri")),
            new XElement(DevNs + "defaultValue", "False"));

    private static XElement TypeBlock(XName element, string typeName, string description) =>
        new(element, new XElement(DevNs + "type", new XElement(MamlNs + "name", typeName), new XElement(MamlNs + "uri")),
            Description(description));

    private static XElement Example(XElement example, int number) =>
        new(CommandNs + "example",
            new XElement(MamlNs + "title", $"-------------------------- Example {number} --------------------------"),
            new XElement(DevNs + "code", ((string?)example.Element("code") ?? "").Trim()),
            new XElement(DevNs + "remarks", new XElement(MamlNs + "para", XmlDocs.Text(example))));

    private static XElement Description(string text) =>
        new(MamlNs + "description", new XElement(MamlNs + "para", text));
}
