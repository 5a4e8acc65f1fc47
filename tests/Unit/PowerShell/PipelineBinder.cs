using System.Reflection;

namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>Checks a documented command line against the cmdlet metadata the way PowerShell's parameter binder would
/// decide it: every named parameter exists, and each object passed along a '|' binds to a parameter of the next
/// cmdlet by property name (name or alias) in a parameter set compatible with the parameters given explicitly.</summary>
public sealed class PipelineBinder(CmdletMetadata metadata)
{
    /// <summary>What flows out of a command: a type's public property names. Null = unknown (not checkable).</summary>
    private sealed record Flow(string TypeName, IReadOnlySet<string> Properties);

    private static readonly Flow FileSystemItems = new("System.IO.FileSystemInfo",
        typeof(FileInfo).GetProperties().Concat(typeof(DirectoryInfo).GetProperties()).Select(p => p.Name)
            .Append("PSPath").ToHashSet(StringComparer.OrdinalIgnoreCase));

    private static readonly HashSet<string> FileSystemGetters = new(StringComparer.OrdinalIgnoreCase) { "Get-ChildItem", "gci", "dir", "ls", "Get-Item", "gi" };
    private static readonly HashSet<string> Filters = new(StringComparer.OrdinalIgnoreCase) { "Where-Object", "where", "?", "Sort-Object", "sort", "Tee-Object", "tee", "Select-Object", "select" };

    /// <summary>Number of cmdlet-to-cmdlet links verified so far (guards against a vacuous pass).</summary>
    public int LinksChecked { get; private set; }

    public IReadOnlyList<string> Problems(string line)
    {
        var problems = new List<string>();
        Flow? upstream = null;
        var segments = PipelineText.Segments(line);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var cmdlet = metadata.Cmdlets.FirstOrDefault(c => string.Equals(c.Name, segment.Command, StringComparison.OrdinalIgnoreCase));
            if (cmdlet is null)
            {
                upstream = External(segment, upstream);
                continue;
            }
            foreach (var name in segment.NamedParameters.Where(n => !Known(cmdlet, n)))
                problems.Add($"{cmdlet.Name} has no parameter -{name}: {line}");
            if (i > 0 && upstream is not null)
            {
                if (!Binds(cmdlet, segment, upstream))
                    problems.Add($"{upstream.TypeName} from '{segments[i - 1].Command}' binds to no pipeline parameter of {cmdlet.Name}: {line}");
                LinksChecked++;
            }
            upstream = Output(cmdlet);
        }
        return problems;
    }

    private static bool Known(CmdletDescription cmdlet, string name) =>
        cmdlet.Parameter(name) is not null
        || ApprovedVerbs.CommonParameters.Contains(name)
        || (cmdlet.SupportsShouldProcess && ApprovedVerbs.RiskParameters.Contains(name));

    private static Flow Output(CmdletDescription cmdlet) => cmdlet.OutputTypes.FirstOrDefault() is { } type
        ? new Flow(type.FullName!, type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase))
        : new Flow("nothing", new HashSet<string>());

    private static Flow? External(PipelineSegment segment, Flow? upstream)
    {
        if (FileSystemGetters.Contains(segment.Command)) return FileSystemItems;
        if (!Filters.Contains(segment.Command)) return null;
        // Select-Object with -Property/-ExpandProperty (or a positional property list) makes new objects.
        var reshapes = segment.Command.StartsWith("sel", StringComparison.OrdinalIgnoreCase)
            && (segment.NamedParameters.Any(p => p.StartsWith("Prop", StringComparison.OrdinalIgnoreCase) || p.StartsWith("Exp", StringComparison.OrdinalIgnoreCase))
                || segment.Words.Count > 0 && !PipelineText.IsParameterToken(segment.Words[0], out _));
        return reshapes ? null : upstream;
    }

    private bool Binds(CmdletDescription cmdlet, PipelineSegment segment, Flow upstream)
    {
        var given = segment.NamedParameters.Select(cmdlet.Parameter).OfType<CmdletParameter>().ToList();
        var sets = cmdlet.ParameterSets.DefaultIfEmpty(CmdletParameter.AllSets);
        foreach (var set in sets)
        {
            if (given.Any(p => !p.InSet(set))) continue;
            var fromPipeline = cmdlet.Parameters.Where(p => !given.Contains(p) && BindsFrom(p, set, upstream)).ToList();
            if (fromPipeline.Count == 0) continue;
            var unsatisfied = cmdlet.Parameters.Where(p => BindingIn(p, set) is { Mandatory: true } && !given.Contains(p) && !fromPipeline.Contains(p));
            if (unsatisfied.Any() && !HasPositionalArguments(cmdlet, segment)) continue;
            return true;
        }
        return false;
    }

    private static ParameterBinding? BindingIn(CmdletParameter p, string set) =>
        p.Bindings.FirstOrDefault(b => b.SetName == set) ?? p.Bindings.FirstOrDefault(b => b.SetName == CmdletParameter.AllSets);

    private static bool BindsFrom(CmdletParameter parameter, string set, Flow upstream)
    {
        var binding = BindingIn(parameter, set);
        if (binding is null) return false;
        if (binding.ByPropertyName && parameter.Aliases.Prepend(parameter.Name).Any(upstream.Properties.Contains)) return true;
        return binding.ByValue && upstream.TypeName == parameter.Type.FullName;
    }

    private static bool HasPositionalArguments(CmdletDescription cmdlet, PipelineSegment segment)
    {
        for (var i = 0; i < segment.Words.Count; i++)
        {
            if (!PipelineText.IsParameterToken(segment.Words[i], out var name)) return true;
            var isSwitch = cmdlet.Parameter(name)?.Type.Name == "SwitchParameter"
                || name is "Verbose" or "vb" or "Debug" or "db"
                || ApprovedVerbs.RiskParameters.Contains(name);
            if (!isSwitch && !PipelineText.HasInlineValue(segment.Words[i])) i++; // skip the value
        }
        return false;
    }
}
